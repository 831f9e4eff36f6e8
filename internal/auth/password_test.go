package auth

import "testing"

func TestPasswordRoundTrip(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := CheckPassword(h, "correct horse battery staple"); err != nil || !ok {
		t.Fatalf("right password refused: ok=%v err=%v", ok, err)
	}
	if ok, _ := CheckPassword(h, "correct horse battery stapler"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password share a salt")
	}
}

func TestCheckPasswordRejectsMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2id$v=19$m=1,t=1,p=1$$", "$bcrypt$x$y$z$w", "$argon2id$v=19$m=x$a$b"} {
		if ok, err := CheckPassword(h, "x"); ok || err == nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want false and an error", h, ok, err)
		}
	}
}

func TestHashWithSaltIsDeterministic(t *testing.T) {
	salt := []byte("0123456789abcdef")
	first, second := HashPasswordWithSalt("pw-for-demo", salt), HashPasswordWithSalt("pw-for-demo", salt)
	if first != second {
		t.Fatal("same salt, different hash")
	}
}
