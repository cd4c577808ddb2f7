/* Reads the Emotion Engine's serial face frames, one byte at a time (C99, also C++).
 *
 * A frame, as `emotion-engine face --live --serial PORT` sends it (docs/face.md, "Serial
 * frames"): the sync word A5 5A, a frame counter (one byte, wrapping), the 1024 bytes of the
 * SSD1306 page buffer, and the CRC-16/CCITT-FALSE of the counter and the 1024 bytes, high
 * byte first. The reader writes the 1024 bytes straight into the caller's buffer (the
 * display's own, so no second kilobyte of RAM) and says when a frame's CRC holds; after a
 * frame that fails, the buffer holds a partial frame that must not be shown, and the next
 * good frame overwrites all of it. It never allocates. A frame that fails its CRC is
 * skipped whole, so a false sync word in line noise can cost the one frame it overlaps.
 */
#ifndef FACE_FRAME_READER_H
#define FACE_FRAME_READER_H

#include <stdint.h>

#define FACE_SYNC_0 0xA5
#define FACE_SYNC_1 0x5A
#define FACE_FRAME_BYTES 1024
#define FACE_CRC_POLY 0x1021  /* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection */
#define FACE_CRC_INIT 0xFFFF

enum { FACE_WAIT_SYNC_0, FACE_WAIT_SYNC_1, FACE_COUNTER, FACE_PAYLOAD, FACE_CRC_HIGH, FACE_CRC_LOW };

typedef struct {
  uint8_t *buffer;   /* FACE_FRAME_BYTES bytes, the caller's */
  uint8_t state;
  uint8_t counter;   /* the counter of the last frame read */
  uint16_t index;
  uint16_t crc;      /* the CRC computed so far */
  uint16_t sent;     /* the CRC the frame carries */
  uint32_t good, bad;
} FaceFrameReader;

static inline uint16_t face_crc16_update(uint16_t crc, uint8_t byte) {
  crc ^= (uint16_t)byte << 8;
  for (uint8_t bit = 0; bit < 8; bit++) {
    crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ FACE_CRC_POLY) : (uint16_t)(crc << 1);
  }
  return crc;
}

static inline void face_reader_init(FaceFrameReader *r, uint8_t *buffer) {
  r->buffer = buffer;
  r->state = FACE_WAIT_SYNC_0;
  r->counter = 0;
  r->index = 0;
  r->crc = FACE_CRC_INIT;
  r->sent = 0;
  r->good = 0;
  r->bad = 0;
}

/* Feeds one byte; returns 1 when it completes a frame whose CRC holds (the buffer then holds
 * that frame), else 0. */
static inline int face_reader_feed(FaceFrameReader *r, uint8_t byte) {
  switch (r->state) {
    case FACE_WAIT_SYNC_0:
      if (byte == FACE_SYNC_0) r->state = FACE_WAIT_SYNC_1;
      return 0;
    case FACE_WAIT_SYNC_1:
      if (byte == FACE_SYNC_1) r->state = FACE_COUNTER;
      else if (byte != FACE_SYNC_0) r->state = FACE_WAIT_SYNC_0;
      return 0;
    case FACE_COUNTER:
      r->counter = byte;
      r->crc = face_crc16_update(FACE_CRC_INIT, byte);
      r->index = 0;
      r->state = FACE_PAYLOAD;
      return 0;
    case FACE_PAYLOAD:
      r->buffer[r->index++] = byte;
      r->crc = face_crc16_update(r->crc, byte);
      if (r->index == FACE_FRAME_BYTES) r->state = FACE_CRC_HIGH;
      return 0;
    case FACE_CRC_HIGH:
      r->sent = (uint16_t)byte << 8;
      r->state = FACE_CRC_LOW;
      return 0;
    default: /* FACE_CRC_LOW */
      r->sent |= byte;
      r->state = FACE_WAIT_SYNC_0;
      if (r->sent == r->crc) {
        r->good++;
        return 1;
      }
      r->bad++;
      return 0;
  }
}

#endif
