/**
 * Example tokens to start from, as the peers wrote them (copied from the repository's vectors/; test
 * keys only, published with the peers' own documentation and tests).
 */

export interface Example {
  readonly name: string;
  readonly token: string;
  readonly rootKey: string;
  readonly exact: readonly string[];
  /** A clock that makes the example's `time <` caveats pass, or '' for the current time. */
  readonly now: string;
  readonly keyEncoding?: 'text' | 'base64';
  /** Discharges sent with the token, one per line. */
  readonly discharges?: string;
}

const BANK_KEY = 'this is our super secret key; only we should know it';

export const EXAMPLES: readonly Example[] = [
  {
    name: 'libmacaroons README (V1, three caveats, expired in 2020)',
    token:
      'MDAxY2xvY2F0aW9uIGh0dHA6Ly9teWJhbmsvCjAwMjZpZGVudGlmaWVyIHdlIHVzZWQgb3VyIHNlY3JldCBrZXkKMDAxZGNpZCBhY2NvdW50ID0gMzczNTkyODU1OQowMDIwY2lkIHRpbWUgPCAyMDIwLTAxLTAxVDAwOjAwCjAwMjJjaWQgZW1haWwgPSBhbGljZUBleGFtcGxlLm9yZwowMDJmc2lnbmF0dXJlIN31U-Rgg-VbjXGrgivj2PzyHWvxnEDWF7uftDiTRHS2Cg',
    rootKey: BANK_KEY,
    exact: ['account = 3735928559', 'email = alice@example.org'],
    now: '',
  },
  {
    name: 'go-macaroon: third-party caveat with a bound discharge (V2 bundle)',
    token:
      'AgEOaHR0cDovL215YmFuay8CFndlIHVzZWQgb3VyIHNlY3JldCBrZXkAAhRhY2NvdW50ID0gMzczNTkyODU1OQABE2h0dHA6Ly9hdXRoLm15YmFuay8CJ3RoaXMgd2FzIGhvdyB3ZSByZW1pbmQgYXV0aCBvZiBrZXkvcHJlZARIEbbcMkY_5zloVYlv9_vfanrQhcwJrwpogIS32C3RskTrK71qwdLeOg0i8C2ybxzKtCG3xNcsjspg6H5bH_Z4xcdSRnbByo6dAAAGIKgSdMmK6JEKsmI49sUJ7_4tLOQToygr9O-GOPlVG-VBAgETaHR0cDovL2F1dGgubXliYW5rLwIndGhpcyB3YXMgaG93IHdlIHJlbWluZCBhdXRoIG9mIGtleS9wcmVkAAIXdGltZSA8IDIwMzAtMDEtMDFUMDA6MDAAAAYgpCxlvnm2o4WMnxlwLcIMxT1FDb-KSftb4BHtWbPi2Po',
    rootKey: BANK_KEY,
    exact: ['account = 3735928559'],
    now: '',
  },
  {
    name: 'macaroon-bakery (Go): Oven id, public-key third-party caveat (bakery JSON, version 3)',
    token:
      '{"m":{"c":[{"i64":"AwA","v64":"zvEw3jAmd0OkYmS21MPL-K_QvIK1Rd1V69cIiLpx-dsLBJrO5riuXEUATgkj5S6xxdKzoC0JdnqzEIlKo95NedlhGCvnZ8KE","l":"https://auth.example"}],"l":"https://api.example","i64":"AwoQVlXKZNarPV6eZIn_3MOyNxIBMBoZCgphY2NvdW50LTQyEgRyZWFkEgV3cml0ZQ","s64":"Q4Hgb1cfMy6TR-VilDJ1vG7Qur04-ImYJ1HPpwIgI7A"},"v":3,"cdata":{"AwA":"A3LhyexnHWUHV6coKchMmWnzhNCCI_MzallboOdS90MySqklPFdVymTWqz1enmSJ_9zDsjcFgp4NZBaRyZQb70_uNM0IPs3FK-LDS9yShl9jCDuKbTIoDy6YD6ZpP0QWDFDlKJuIW6wFhxW-EA1P4b3U-Lj_LTyvfw"},"ns":"std:"}',
    rootKey: 'cm9vdCBrZXkgb2YgYSBiYWtlcnkgdmVjdG9y',
    keyEncoding: 'base64',
    discharges:
      '{"c":[{"i":"declared user alice"}],"i64":"AwA","s64":"c2UaxwmW8q1NdVAn64Ya4K9_ViDKBsOv-YlB6RR4QHE"}',
    exact: [],
    now: '',
  },
];
