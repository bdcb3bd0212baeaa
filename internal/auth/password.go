// Package auth hashes passwords and mints the random tokens behind sessions
// and API tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// bcryptCost is bcrypt's work factor: about 250 ms per check on a current
// core, slow for an attacker with a stolen database, fast enough for a login.
const bcryptCost = 12

// ErrWrongPassword is returned by CheckPassword on a mismatch.
var ErrWrongPassword = errors.New("auth: wrong password")

// HashPassword returns a bcrypt hash of the password after checking its
// length. bcrypt reads at most 72 bytes, so longer passwords are refused
// rather than silently truncated.
func HashPassword(password string) (string, error) {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return "", fmt.Errorf("auth: password must have at least %d characters", MinPasswordLength)
	}
	if len(password) > 72 {
		return "", errors.New("auth: password must be at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword compares a password with a hash from HashPassword.
func CheckPassword(hash, password string) error {
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)); err != nil {
		if errors.Is(err, bcrypt.ErrMismatchedHashAndPassword) {
			return ErrWrongPassword
		}
		return fmt.Errorf("auth: check password: %w", err)
	}
	return nil
}

// NewToken returns a random URL-safe token with 256 bits of entropy.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash is what the store keeps of a token.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewPassword returns a random password for generated accounts (the demo
// admin): 26 base32 characters, 128 bits of entropy.
func NewPassword() string { return rand.Text() }
