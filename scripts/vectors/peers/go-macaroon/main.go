// go-macaroon (gopkg.in/macaroon.v2, Debian golang-gopkg-macaroon.v2-dev) as a peer: mints plans and
// verifies cases. One JSON request on stdin, one JSON answer on stdout; the protocol is described in
// vectors/README.md. Binary forms travel as base64url without padding (go itself returns raw bytes).
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"gopkg.in/macaroon.v2"
)

type byteString struct {
	Text *string `json:"text,omitempty"`
	Hex  *string `json:"hex,omitempty"`
}

func (b byteString) bytes() []byte {
	if b.Text != nil {
		return []byte(*b.Text)
	}
	if b.Hex == nil {
		return nil
	}
	out, err := hex.DecodeString(*b.Hex)
	if err != nil {
		panic(err)
	}
	return out
}

type caveatSpec struct {
	Predicate *byteString `json:"predicate,omitempty"`
	Location  string      `json:"location"`
	Key       byteString  `json:"key"`
	ID        byteString  `json:"id"`
}

type macaroonSpec struct {
	Location string       `json:"location"`
	Key      byteString   `json:"key"`
	ID       byteString   `json:"id"`
	Caveats  []caveatSpec `json:"caveats"`
	Bind     *bool        `json:"bind,omitempty"`
	Version  int          `json:"version,omitempty"`
}

type plan struct {
	Name       string         `json:"name"`
	Version    int            `json:"version"`
	Root       macaroonSpec   `json:"root"`
	Discharges []macaroonSpec `json:"discharges"`
	Formats    []string       `json:"formats"`
}

type generalCheck struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

type verifyCase struct {
	Format     string         `json:"format"`
	Root       string         `json:"root"`
	Discharges []string       `json:"discharges"`
	Bundle     string         `json:"bundle"`
	RootKey    byteString     `json:"rootKey"`
	Exact      []byteString   `json:"exact"`
	General    []generalCheck `json:"general"`
}

type request struct {
	Op    string       `json:"op"`
	Plans []plan       `json:"plans"`
	Cases []verifyCase `json:"cases"`
}

type output struct {
	Root       string   `json:"root,omitempty"`
	Discharges []string `json:"discharges,omitempty"`
	Bundle     string   `json:"bundle,omitempty"`
}

type mintResult struct {
	Outputs             map[string]output `json:"outputs"`
	Errors              map[string]string `json:"errors,omitempty"`
	Signature           string            `json:"signature,omitempty"`
	DischargeSignatures []string          `json:"dischargeSignatures,omitempty"`
	Error               string            `json:"error,omitempty"`
}

type verdict struct {
	Verdict    string   `json:"verdict"`
	Signature  string   `json:"signature,omitempty"`
	Signatures []string `json:"signatures,omitempty"`
	Message    string   `json:"message,omitempty"`
}

func mintOne(spec macaroonSpec, version macaroon.Version) (*macaroon.Macaroon, error) {
	m, err := macaroon.New(spec.Key.bytes(), spec.ID.bytes(), spec.Location, version)
	if err != nil {
		return nil, err
	}
	for _, c := range spec.Caveats {
		if c.Predicate != nil {
			err = m.AddFirstPartyCaveat(c.Predicate.bytes())
		} else {
			err = m.AddThirdPartyCaveat(c.Key.bytes(), c.ID.bytes(), c.Location)
		}
		if err != nil {
			return nil, err
		}
	}
	return m, nil
}

var b64 = base64.RawURLEncoding

func binary(m *macaroon.Macaroon) (string, error) {
	data, err := m.MarshalBinary()
	return b64.EncodeToString(data), err
}

func jsonText(m *macaroon.Macaroon) (string, error) {
	data, err := json.Marshal(m)
	return string(data), err
}

// The formats a macaroon of each version is written in: go decides V1 or V2 by the macaroon's version.
var formatsByVersion = map[int][]string{
	1: {"v1", "v1j", "slice", "slice-json"},
	2: {"v2", "v2j", "slice", "slice-json"},
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func mint(p plan) (res mintResult) {
	res.Outputs = map[string]output{}
	res.Errors = map[string]string{}
	version := macaroon.V2
	if p.Version == 1 {
		version = macaroon.V1
	}
	root, err := mintOne(p.Root, version)
	if err != nil {
		res.Error = err.Error()
		return
	}
	all := macaroon.Slice{root}
	for _, d := range p.Discharges {
		dversion := version
		if d.Version == 1 {
			dversion = macaroon.V1
		} else if d.Version == 2 {
			dversion = macaroon.V2
		}
		dm, err := mintOne(d, dversion)
		if err != nil {
			res.Error = err.Error()
			return
		}
		if d.Bind == nil || *d.Bind {
			dm.Bind(root.Signature())
		}
		all = append(all, dm)
		res.DischargeSignatures = append(res.DischargeSignatures, hex.EncodeToString(dm.Signature()))
	}
	res.Signature = hex.EncodeToString(root.Signature())
	for _, f := range p.Formats {
		if !contains(formatsByVersion[p.Version], f) {
			continue
		}
		var out output
		var err error
		switch f {
		case "v1", "v2", "v1j", "v2j":
			write := binary
			if strings.HasSuffix(f, "j") {
				write = jsonText
			}
			if out.Root, err = write(root); err == nil {
				out.Discharges = []string{}
				for _, d := range all[1:] {
					var s string
					if s, err = write(d); err != nil {
						break
					}
					out.Discharges = append(out.Discharges, s)
				}
			}
		case "slice":
			var data []byte
			if data, err = all.MarshalBinary(); err == nil {
				out.Bundle = b64.EncodeToString(data)
			}
		case "slice-json":
			var data []byte
			if data, err = json.Marshal(all); err == nil {
				out.Bundle = string(data)
			}
		}
		if err != nil {
			res.Errors[f] = err.Error()
		} else {
			res.Outputs[f] = out
		}
	}
	return
}

func parseOne(format, text string) (*macaroon.Macaroon, error) {
	var m macaroon.Macaroon
	if strings.HasSuffix(format, "j") {
		return &m, json.Unmarshal([]byte(text), &m)
	}
	data, err := macaroon.Base64Decode([]byte(text))
	if err != nil {
		return nil, err
	}
	return &m, m.UnmarshalBinary(data)
}

func parse(c verifyCase) (macaroon.Slice, error) {
	switch c.Format {
	case "slice":
		data, err := macaroon.Base64Decode([]byte(c.Bundle))
		if err != nil {
			return nil, err
		}
		var s macaroon.Slice
		return s, s.UnmarshalBinary(data)
	case "slice-json":
		var s macaroon.Slice
		return s, json.Unmarshal([]byte(c.Bundle), &s)
	}
	root, err := parseOne(c.Format, c.Root)
	if err != nil {
		return nil, err
	}
	all := macaroon.Slice{root}
	for _, d := range c.Discharges {
		dm, err := parseOne(c.Format, d)
		if err != nil {
			return nil, err
		}
		all = append(all, dm)
	}
	return all, nil
}

func verify(c verifyCase) verdict {
	all, err := parse(c)
	if err != nil {
		return verdict{Verdict: "decode-error", Message: err.Error()}
	}
	if len(all) == 0 {
		return verdict{Verdict: "decode-error", Message: "empty bundle"}
	}
	exact := [][]byte{}
	for _, e := range c.Exact {
		exact = append(exact, e.bytes())
	}
	check := func(caveat string) error {
		for _, e := range exact {
			if bytes.Equal([]byte(caveat), e) {
				return nil
			}
		}
		for _, g := range c.General {
			if g.Kind == "prefix" && strings.HasPrefix(caveat, g.Value) {
				return nil
			}
		}
		return fmt.Errorf("caveat %q not satisfied", caveat)
	}
	v := verdict{Verdict: "ok", Signature: hex.EncodeToString(all[0].Signature())}
	for _, m := range all {
		v.Signatures = append(v.Signatures, hex.EncodeToString(m.Signature()))
	}
	if err := all[0].Verify(c.RootKey.bytes(), check, all[1:]); err != nil {
		v.Verdict, v.Message = "not-authorized", err.Error()
	}
	return v
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "bad request:", err)
		os.Exit(2)
	}
	var results []interface{}
	switch req.Op {
	case "mint":
		for _, p := range req.Plans {
			results = append(results, mint(p))
		}
	case "verify":
		for _, c := range req.Cases {
			results = append(results, verify(c))
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown op", req.Op)
		os.Exit(2)
	}
	if err := json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"results": results}); err != nil {
		os.Exit(1)
	}
}
