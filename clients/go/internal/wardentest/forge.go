package wardentest

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
)

// SignWithServerKey signs claims with the server's own (EdDSA) signing key
// under header (alg EdDSA and the key's kid unless header sets them, typ
// at+jwt unless header sets it; a nil value removes a field), to forge
// tokens that only differ from real ones where a test wants.
func (s *Server) SignWithServerKey(header, claims map[string]any) (string, error) {
	keyDir := filepath.Join(s.DataDir, "keys")
	manifestJSON, err := os.ReadFile(filepath.Join(keyDir, "keyset.json"))
	if err != nil {
		return "", err
	}
	var manifest struct {
		Keys []struct {
			Kid string `json:"kid"`
			Alg string `json:"alg"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(manifestJSON, &manifest); err != nil {
		return "", err
	}
	if len(manifest.Keys) == 0 || manifest.Keys[0].Alg != "EdDSA" {
		return "", fmt.Errorf("keyset.json: want an EdDSA key first, got %+v", manifest.Keys)
	}
	kid := manifest.Keys[0].Kid
	pemBytes, err := os.ReadFile(filepath.Join(keyDir, kid+".pem"))
	if err != nil {
		return "", err
	}
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return "", fmt.Errorf("%s.pem: no PEM block", kid)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return "", err
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return "", fmt.Errorf("%s.pem: not an Ed25519 key", kid)
	}
	h := map[string]any{"alg": "EdDSA", "kid": kid, "typ": "at+jwt"}
	for k, v := range header {
		if v == nil {
			delete(h, k)
		} else {
			h[k] = v
		}
	}
	enc := base64.RawURLEncoding
	headerJSON, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	claimsJSON, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := enc.EncodeToString(headerJSON) + "." + enc.EncodeToString(claimsJSON)
	return input + "." + enc.EncodeToString(ed25519.Sign(key, []byte(input))), nil
}
