/*
 * Test-time oracle: spandsp's DTMF receiver and generator on raw 16-bit little-endian PCM, 8 kHz.
 * Built on demand by spandsp-oracle.ts into .cache/ (never committed):
 *   cc -O2 -o spandsp-dtmf spandsp-dtmf.c $(pkg-config --cflags --libs spandsp)
 *
 *   spandsp-dtmf rx            PCM on stdin; one line per detected digit: "<digit> <onset sample>"
 *                              (the sample count fed when spandsp reported it).
 *   spandsp-dtmf tx DIGITS [LEVEL_DBM0 TWIST_DB ON_MS OFF_MS]
 *                              PCM of the digits on stdout (spandsp's own generator).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <spandsp.h>

#define CHUNK 8

static long long fed = 0;

static void on_tone(void *user, int code, int level, int delay)
{
    (void) user;
    (void) level;
    (void) delay;
    if (code != 0)
        printf("%c %lld\n", (char) code, fed);
}

static void on_digits(void *user, const char *digits, int len)
{
    (void) user;
    (void) digits;
    (void) len;
}

static int run_rx(void)
{
    dtmf_rx_state_t *rx = dtmf_rx_init(NULL, on_digits, NULL);
    int16_t buf[CHUNK];
    size_t n;
    if (rx == NULL)
        return 2;
    dtmf_rx_set_realtime_callback(rx, on_tone, NULL);
    while ((n = fread(buf, sizeof(int16_t), CHUNK, stdin)) > 0) {
        fed += (long long) n;
        dtmf_rx(rx, buf, (int) n);
    }
    fflush(stdout);
    dtmf_rx_free(rx);
    return 0;
}

static int run_tx(int argc, char **argv)
{
    dtmf_tx_state_t *tx = dtmf_tx_init(NULL);
    int16_t buf[160];
    int n;
    if (tx == NULL || argc < 3)
        return 2;
    if (argc >= 7) {
        dtmf_tx_set_level(tx, atoi(argv[3]), atoi(argv[4]));
        dtmf_tx_set_timing(tx, atoi(argv[5]), atoi(argv[6]));
    }
    dtmf_tx_put(tx, argv[2], -1);
    while ((n = dtmf_tx(tx, buf, 160)) > 0)
        fwrite(buf, sizeof(int16_t), (size_t) n, stdout);
    fflush(stdout);
    dtmf_tx_free(tx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "rx") == 0)
        return run_rx();
    if (argc >= 2 && strcmp(argv[1], "tx") == 0)
        return run_tx(argc, argv);
    fprintf(stderr, "usage: %s rx < pcm | tx DIGITS [LEVEL TWIST ON_MS OFF_MS] > pcm\n", argv[0]);
    return 2;
}
