package rules

// An agency's own profile: a profile file uploaded with an id no built-in
// profile has (say "ok-dhs"). It is read and checked as any profile file,
// its versions take effect on their dates as uploaded versions of a
// built-in profile do, and the agency runs on it once its administrator
// chooses it. The engine knows nothing of its rule ids: pages select
// obligations by tag and name them by the version's labels.

// IsBuiltin reports whether id is a built-in profile's: an upload with
// that id is a version of it; any other id is an agency's own profile.
func IsBuiltin(id string) bool {
	_, ok := LookupProfile(id)
	return ok
}

// OwnProfile is an agency's own profile made of its uploaded versions, in
// upload order (see WithVersions); name is what the profile is called (its
// latest file's name). It is in force on no date before its earliest
// version's.
func OwnProfile(id, name string, uploaded []Version) *Profile {
	return (&Profile{ID: id, Name: name}).WithVersions(uploaded)
}

// Part is a share of the result (a unit's obligations of an area's): the
// same date, profile and version evaluated with, so that its obligations
// are still selected by that version's tags and named by its labels.
func (r Result) Part(obligations []Obligation) Result {
	return Result{AsOf: r.AsOf, Profile: r.Profile, Obligations: obligations, version: r.version}
}
