package demo

// Synthetic names: common given names and surnames combined at random. No
// demo person or family is anyone real.
var firstNames = []string{
	"Avery", "Jordan", "Morgan", "Taylor", "Casey", "Riley", "Quinn", "Harper", "Rowan", "Emerson",
	"Maria", "James", "Aisha", "Daniel", "Priya", "Marcus", "Elena", "Samuel", "Grace", "Luis",
	"Nadia", "Owen", "Keisha", "Victor", "Hannah", "Tomas", "Leah", "Andre", "Sofia", "Malik",
	"Irene", "Caleb", "Yasmin", "Peter", "Lucia", "Derek", "Fatima", "Noel", "Joanna", "Ravi",
}

var lastNames = []string{
	"Alvarez", "Bennett", "Carver", "Dawson", "Ellison", "Fairbanks", "Galloway", "Hargrove", "Ingram", "Jefferies",
	"Kowalski", "Lindqvist", "Mendoza", "Nakamura", "Okafor", "Pemberton", "Quintero", "Rasmussen", "Sandoval", "Thornton",
	"Underwood", "Valdez", "Whitfield", "Yamada", "Zielinski", "Abernathy", "Brightwater", "Castellano", "Delacroix", "Easton",
	"Fitzgerald", "Gutierrez", "Holloway", "Iverson", "Jablonski", "Kingsley", "Lockhart", "Moreau", "Novak", "Osei",
	"Prescott", "Ramirez", "Stanton", "Trevino", "Vasquez", "Winslow", "Ashby", "Brennan", "Calloway", "Drummond",
}
