package auth

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinPasswordLength follows NIST SP 800-63B's advice for a blocklist-backed
// policy, raised to 12 for records of this sensitivity. No composition rules
// (they make passwords worse, not stronger).
const MinPasswordLength = 12

// MaxPasswordLength bounds the work argon2 is asked to do.
const MaxPasswordLength = 256

// commonPasswords: the entries of 12 characters or more of Mozilla's list of
// the 50,000 most common passwords (npm fxa-common-password-list 0.0.4,
// MPL-2.0), lower-cased; shorter ones fail the length rule anyway.
//
//go:embed common-passwords.txt
var commonPasswordsText string

var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split(commonPasswordsText, "\n") {
		if p != "" {
			m[p] = true
		}
	}
	return m
}()

// CheckNewPassword says what is wrong with a password someone chose, in words
// for them, or "" when it is acceptable. email is the account's, so the
// password cannot simply repeat it.
func CheckNewPassword(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return "Use at least 12 characters. A few unrelated words make a long password that is easy to remember."
	case n > MaxPasswordLength:
		return "Use at most 256 characters."
	}
	lower := strings.ToLower(password)
	if commonPasswords[lower] {
		return "This password is on a list of commonly used passwords. Choose another."
	}
	// The email's name is compared letters only: elena.delacroix is in
	// "elenadelacroix99" and in "Elena-Delacroix!" alike.
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok {
		if name := lettersOnly(local); len(name) >= 4 && strings.Contains(lettersOnly(lower), name) {
			return "Do not use your email address in your password."
		}
	}
	if strings.Count(lower, lower[:1]) == len(lower) {
		return "Do not repeat one character."
	}
	return ""
}

// lettersOnly drops everything but letters: separators, digits, symbols.
func lettersOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s)
}
