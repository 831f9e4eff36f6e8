package web

import (
	"fmt"
	"unicode/utf8"
)

// Helpers the forms of several pages share (the conference's, the
// personnel part's, the API's query): each names the field it checks, so
// the page can say what is wrong beside it.

// maxText bounds each text field of a record (a conference's topics and
// notes, an emergent answer, the personnel part).
const maxText = 10000

// checkText names a text field longer than maxText among the problems.
func (app *App) checkText(problems map[string]string, key, s string) {
	if utf8.RuneCountInString(s) > maxText {
		problems[key] = fmt.Sprintf("This is longer than %d characters; split it or shorten it.", maxText)
	}
}

// oneOf reports whether s is one of a form's choices.
func oneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// at is the i-th of a form's repeated fields, "" past their end (the rows
// of a table of inputs come as parallel lists).
func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return ""
}
