// The runtime's own start-up, as the baseline for first-verify-cli.js.
