// Mints tokens for the example gateway with go-macaroon (gopkg.in/macaroon.v2), as a Go client would.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run main.go <root key hex> <account> <deadline>
//
// Prints one JSON object: name -> token. "slice_*" are go's binary Slice as base64url (for
// `Authorization: Macaroon`); "cookie_*" are macaroon-bakery's cookie value (standard base64 of the
// Slice's JSON).
package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"gopkg.in/macaroon.v2"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	key, err := hex.DecodeString(os.Args[1])
	must(err)
	account, deadline := os.Args[2], os.Args[3]

	m, err := macaroon.New(key, []byte("go-macaroon-root"), "https://gateway.example/", macaroon.V2)
	must(err)
	for _, c := range []string{"account = " + account, "action = read", "time < " + deadline} {
		must(m.AddFirstPartyCaveat([]byte(c)))
	}
	caveatKey := make([]byte, 32)
	_, err = rand.Read(caveatKey)
	must(err)
	must(m.AddThirdPartyCaveat(caveatKey, []byte("go-third-party"), "https://auth.example/"))

	d, err := macaroon.New(caveatKey, []byte("go-third-party"), "https://auth.example/", macaroon.V2)
	must(err)
	must(d.AddFirstPartyCaveat([]byte("time < " + deadline)))
	bound := d.Clone()
	bound.Bind(m.Signature())

	slice := func(ms ...*macaroon.Macaroon) string {
		b, err := macaroon.Slice(ms).MarshalBinary()
		must(err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	cookie := func(ms ...*macaroon.Macaroon) string {
		b, err := json.Marshal(macaroon.Slice(ms))
		must(err)
		return base64.StdEncoding.EncodeToString(b)
	}
	out, err := json.Marshal(map[string]string{
		"slice_bound":   slice(m, bound),
		"slice_unbound": slice(m, d),
		"cookie_bound":  cookie(m, bound),
		"cookie_name":   "macaroon-" + hex.EncodeToString(m.Signature()),
	})
	must(err)
	fmt.Println(string(out))
}
