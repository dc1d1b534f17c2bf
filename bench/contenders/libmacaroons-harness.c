/*
 * libmacaroons 0.3 (Debian libmacaroons-dev) under the same workload as the JavaScript contenders.
 * Compiled by bench/contenders/libmacaroons.js at bench time: cc -O2 harness.c -lmacaroons.
 *
 * Input file, one record per line:
 *   E <predicate>                               an exact predicate the verifier satisfies
 *   R <expected 0|1> <key> <token> [discharge]* a timed request (V1 base64 tokens; the key has no spaces)
 *   C <expected 0|1> <key> <token> [discharge]* a control: checked once, not timed
 * Usage: harness <file> <seconds> [wall|cpu]. Checks every verdict once, then verifies the R requests in a
 * loop for about <seconds> of wall-clock or process CPU time (parsing included: each pass deserializes the
 * tokens again) and prints one JSON line: tokens/s from the median pass (and from the whole loop).
 */
#include <macaroons.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DISCHARGES 16

struct request {
    int expected;
    int timed;
    char* key;
    char* token;
    size_t ndischarges;
    char* discharges[MAX_DISCHARGES];
};

static char now_iso[32];

/* The general check: `time < <ISO 8601 UTC>` still ahead. ISO strings of one shape compare as text. */
static int check_time(void* f, const unsigned char* pred, size_t pred_sz)
{
    static const char prefix[] = "time < ";
    size_t n = sizeof(prefix) - 1;
    (void)f;
    if (pred_sz <= n || memcmp(pred, prefix, n) != 0) return -1;
    size_t rest = pred_sz - n;
    size_t now_len = strlen(now_iso);
    size_t cmp_len = rest < now_len ? rest : now_len;
    int c = memcmp(pred + n, now_iso, cmp_len);
    return c > 0 ? 0 : -1;
}

static int verify(const struct macaroon_verifier* V, const struct request* r)
{
    enum macaroon_returncode err = MACAROON_SUCCESS;
    struct macaroon* ds[MAX_DISCHARGES];
    size_t nd = 0;
    int ok = 0;
    struct macaroon* M = macaroon_deserialize(r->token, &err);
    if (!M) return 0;
    for (; nd < r->ndischarges; nd++) {
        ds[nd] = macaroon_deserialize(r->discharges[nd], &err);
        if (!ds[nd]) goto done;
    }
    ok = macaroon_verify(V, M, (const unsigned char*)r->key, strlen(r->key), ds, nd, &err) == 0;
done:
    for (size_t i = 0; i < nd; i++) macaroon_destroy(ds[i]);
    macaroon_destroy(M);
    return ok;
}

static clockid_t clock_id = CLOCK_MONOTONIC;

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_doubles(const void* a, const void* b)
{
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

int main(int argc, char** argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s <file> <seconds> [wall|cpu]\n", argv[0]);
        return 2;
    }
    if (argc == 4 && strcmp(argv[3], "cpu") == 0) clock_id = CLOCK_PROCESS_CPUTIME_ID;
    double budget = atof(argv[2]);
    FILE* in = fopen(argv[1], "r");
    if (!in) {
        perror(argv[1]);
        return 2;
    }
    time_t t = time(NULL);
    strftime(now_iso, sizeof(now_iso), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));

    enum macaroon_returncode err = MACAROON_SUCCESS;
    struct macaroon_verifier* V = macaroon_verifier_create();
    if (!V || macaroon_verifier_satisfy_general(V, check_time, NULL, &err) != 0) return 3;

    size_t count = 0, cap = 1024;
    struct request* reqs = calloc(cap, sizeof(*reqs));
    char* line = NULL;
    size_t line_cap = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, in)) > 0) {
        if (line[len - 1] == '\n') line[--len] = '\0';
        if (line[0] == 'E' && line[1] == ' ') {
            if (macaroon_verifier_satisfy_exact(V, (const unsigned char*)line + 2, (size_t)len - 2, &err) != 0)
                return 3;
            continue;
        }
        if ((line[0] != 'R' && line[0] != 'C') || line[1] != ' ') continue;
        if (count == cap) reqs = realloc(reqs, (cap *= 2) * sizeof(*reqs));
        struct request* r = &reqs[count++];
        memset(r, 0, sizeof(*r));
        r->timed = line[0] == 'R';
        char* save = NULL;
        strtok_r(line, " ", &save);
        r->expected = atoi(strtok_r(NULL, " ", &save));
        r->key = strdup(strtok_r(NULL, " ", &save));
        r->token = strdup(strtok_r(NULL, " ", &save));
        for (char* d; (d = strtok_r(NULL, " ", &save)) && r->ndischarges < MAX_DISCHARGES;)
            r->discharges[r->ndischarges++] = strdup(d);
    }
    fclose(in);

    size_t wrong = 0, timed = 0;
    for (size_t i = 0; i < count; i++) {
        if (verify(V, &reqs[i]) != reqs[i].expected) {
            fprintf(stderr, "wrong verdict on record %zu (expected %d)\n", i, reqs[i].expected);
            wrong++;
        }
        timed += reqs[i].timed;
    }

    /* Each pass is timed on its own and the median pass gives tokens/s, as tinybench's p50 does for the
     * JavaScript contenders: on a machine with noisy neighbours a mean over the whole loop would charge
     * this contender for every pause and the others only for the median one. */
    size_t verified = 0, ok = 0, passes = 0, pass_cap = 1024;
    double* pass_seconds = malloc(pass_cap * sizeof(double));
    if (!pass_seconds) return 2;
    double start = seconds_now(), elapsed = 0;
    while (elapsed < budget || passes < 3) {
        double pass_start = seconds_now();
        for (size_t i = 0; i < count; i++) {
            if (!reqs[i].timed) continue;
            ok += verify(V, &reqs[i]);
            verified++;
        }
        double now = seconds_now();
        if (passes == pass_cap) {
            pass_cap *= 2;
            double* grown = realloc(pass_seconds, pass_cap * sizeof(double));
            if (!grown) return 2;
            pass_seconds = grown;
        }
        pass_seconds[passes++] = now - pass_start;
        elapsed = now - start;
    }
    qsort(pass_seconds, passes, sizeof(double), compare_doubles);
    double median = passes % 2 ? pass_seconds[passes / 2]
                               : (pass_seconds[passes / 2 - 1] + pass_seconds[passes / 2]) / 2;
    printf("{\"requests\":%zu,\"verified\":%zu,\"ok\":%zu,\"wrong\":%zu,\"seconds\":%.6f,\"passes\":%zu,"
           "\"meanTokensPerSecond\":%.1f,\"tokensPerSecond\":%.1f}\n",
           timed, verified, ok, wrong, elapsed, passes, verified / elapsed, timed / median);
    free(pass_seconds);
    macaroon_verifier_destroy(V);
    return 0;
}
