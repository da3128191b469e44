/*
 * Oracle harness: spandsp's packet loss concealment (plc_rx / plc_fillin) over a speech file.
 * Written for tipring's PLC benchmark; built on demand, never committed as a binary.
 *
 * usage: spandsp-plc <packet-samples> <mask>   (mask: one '0' = received / '1' = lost per packet)
 * stdin: 16-bit little-endian PCM; stdout: the concealed PCM, same length (whole packets only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <spandsp.h>

int main(int argc, char **argv) {
  if (argc < 3) return 1;
  int n = atoi(argv[1]);
  const char *mask = argv[2];
  size_t masklen = strlen(mask);
  if (n <= 0 || n > 4096 || masklen == 0) return 1;
  plc_state_t *plc = plc_init(NULL);
  if (!plc) return 2;
  int16_t buf[4096];
  size_t k = 0;
  while (fread(buf, sizeof(int16_t), (size_t)n, stdin) == (size_t)n) {
    if (mask[k % masklen] == '1') plc_fillin(plc, buf, n);
    else plc_rx(plc, buf, n);
    fwrite(buf, sizeof(int16_t), (size_t)n, stdout);
    k++;
  }
  plc_free(plc);
  return 0;
}
