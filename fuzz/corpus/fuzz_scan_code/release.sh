#!/bin/sh
# A release script that prints its secrets.
set -eu
echo "signing with $JWT_SECRET"
curl --verbose -H "Authorization: Bearer $RELEASE_TOKEN" https://api.example.com/release
