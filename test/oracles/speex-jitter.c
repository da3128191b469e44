/*
 * Oracle harness: the speexdsp adaptive jitter buffer, driven by a replayed arrival trace.
 * Written for tipring's jitter-buffer benchmark; built on demand, never committed as a binary.
 *
 * stdin, one command per line:
 *   I <step>              jitter_buffer_init(step) (first line)
 *   P <ts> <span> <seq>   a packet arrives: jitter_buffer_put
 *   G <span>              a playout tick: jitter_buffer_get(span), then jitter_buffer_tick
 * stdout, one line per G:  <status> <timestamp>   (status 0 OK, 1 MISSING, 2 INSERTION; ts -1 unless OK)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <speex/speex_jitter.h>

int main(void) {
  char line[256];
  char payload[1] = {0};
  char out[4096];
  JitterBuffer *jb = NULL;
  while (fgets(line, sizeof line, stdin)) {
    if (line[0] == 'I') {
      int step = atoi(line + 2);
      jb = jitter_buffer_init(step);
      if (!jb) return 2;
    } else if (line[0] == 'P' && jb) {
      unsigned long ts, span, seq;
      if (sscanf(line + 2, "%lu %lu %lu", &ts, &span, &seq) != 3) return 3;
      JitterBufferPacket p;
      memset(&p, 0, sizeof p);
      p.data = payload;
      p.len = sizeof payload;
      p.timestamp = (spx_uint32_t)ts;
      p.span = (spx_uint32_t)span;
      p.sequence = (spx_uint16_t)seq;
      p.user_data = 0;
      jitter_buffer_put(jb, &p);
    } else if (line[0] == 'G' && jb) {
      int span = atoi(line + 2);
      JitterBufferPacket p;
      memset(&p, 0, sizeof p);
      p.data = out;
      p.len = sizeof out;
      spx_int32_t offset = 0;
      int status = jitter_buffer_get(jb, &p, span, &offset);
      if (status == JITTER_BUFFER_OK) printf("0 %lu\n", (unsigned long)p.timestamp);
      else printf("%d -1\n", status);
      jitter_buffer_tick(jb);
    }
  }
  if (jb) jitter_buffer_destroy(jb);
  return 0;
}
