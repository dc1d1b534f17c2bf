#!/usr/bin/python3
"""Python macaroonbakery's httpbakery.Client as a peer: GETs each URL given (discharging whatever the
service asks for, through the discharger named in its caveats) and prints one JSON line per URL:
{"status": <HTTP status>, "body": <text>} or {"error": <text>}."""
import json
import sys

from macaroonbakery import httpbakery


def main():
    client = httpbakery.Client()
    for url in sys.argv[1:]:
        try:
            resp = client.request('GET', url, timeout=30)
            print(json.dumps({'status': resp.status_code, 'body': resp.text}))
        except Exception as e:
            print(json.dumps({'error': '{}: {}'.format(type(e).__name__, e)}))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
