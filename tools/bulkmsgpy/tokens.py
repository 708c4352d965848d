"""Provider tokens signed with PyJWT (ES256 and RS256 through python3-cryptography), as bulkmsg's clients sign
them (src/domain/providers): what the simulator verifies."""

import json
import time

import jwt

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"


def apns_token(key_file, key_id, team_id):
    """An APNs provider token: ES256 with the .p8 key, `kid` in the header, `iss` and `iat` as claims."""
    with open(key_file) as f:
        key = f.read()
    return jwt.encode({"iss": team_id, "iat": int(time.time())}, key, algorithm="ES256",
                      headers={"kid": key_id, "typ": None})


def fcm_assertion(credentials_file):
    """The OAuth2 JWT-bearer assertion of a Google service-account key file, valid for an hour."""
    with open(credentials_file) as f:
        account = json.load(f)
    now = int(time.time())
    claims = {"iss": account["client_email"], "scope": FCM_SCOPE, "aud": account["token_uri"], "iat": now,
              "exp": now + 3600}
    return jwt.encode(claims, account["private_key"], algorithm="RS256", headers={"kid": account["private_key_id"]})
