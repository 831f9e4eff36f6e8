package rules

// dayTextsFrom is the number of cases from which an evaluation writes its
// why sentences' dates from a table (dayTexts): a state's million why
// sentences spent a tenth of the case rules' time turning day numbers into
// years, months and days; a unit's few hundred would spend more making the
// table.
var dayTextsFrom = 2000

// dayTexts is every day from about three years before a date to two years
// after it written out as YYYY-MM-DD, 10 bytes each; other days are written
// as Date.appendTo writes them (the zero dayTexts writes every day so).
type dayTexts struct {
	first int32 // the day of text[0:10]
	text  []byte
}

func newDayTexts(around Date) dayTexts {
	first, last := around.AddDays(-3*366), around.AddDays(2*366)
	t := dayTexts{first: first.n, text: make([]byte, 0, 10*(last.n-first.n+1))}
	for d := first; !d.After(last); d = d.AddDays(1) {
		t.text = d.appendTo(t.text)
	}
	return t
}

// appendTo appends d written out, as Date.appendTo does.
func (t dayTexts) appendTo(b []byte, d Date) []byte {
	if i := int(d.n - t.first); d.n != 0 && i >= 0 && 10*i+10 <= len(t.text) {
		return append(b, t.text[10*i:10*i+10]...)
	}
	return d.appendTo(b)
}
