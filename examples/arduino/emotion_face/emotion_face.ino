// The Emotion Engine face on a 128x64 SSD1306 (I2C), for an ESP32 or an RP2040.
//
// Put the exported library next to this sketch first (docs/face.md, "On a microcontroller"):
//   emotion-engine face --export-c examples/arduino/emotion_face
// Needs the Adafruit SSD1306 library (and Adafruit GFX). The face moves through a few
// blends with the library's spring and blinks by its schedule.
#include <Adafruit_GFX.h>
#include <Adafruit_SSD1306.h>
#include <Wire.h>
#include <string.h>

#include "emotion_face.h"

Adafruit_SSD1306 display(EF_WIDTH, EF_HEIGHT, &Wire, -1);  // -1: no reset pin

static ef_face target, pos, vel, shown;
static ef_blinker blinker;
static uint8_t frame[EF_FRAME_BYTES];
static unsigned long last_ms;

// Sets the target face to a mix of two presets.
static void mix(int a, double wa, int b, double wb) {
  double w[EF_N_PRESETS] = {0};
  w[a] = wa;
  w[b] = wb;
  ef_blend(w, 1.0, &target);
}

void setup() {
  Wire.begin();  // ESP32: SDA 21, SCL 22; RP2040 (arduino-pico): SDA GP4, SCL GP5
  Wire.setClock(400000);
  if (!display.begin(SSD1306_SWITCHCAPVCC, 0x3C)) {
    for (;;) {
    }
  }
  ef_preset(EF_NEUTRAL, &pos);
  memset(&vel, 0, sizeof vel);
  ef_blinker_init(&blinker, EF_DEFAULT_SEED);
  mix(EF_JOY, 0.6, EF_SURPRISE, 0.4);
  last_ms = millis();
}

void loop() {
  static const int moods[][2] = {{EF_JOY, EF_SURPRISE}, {EF_SAD, EF_FEAR}, {EF_LOVE, EF_JOY},
                                 {EF_MAD, EF_POWER}};
  unsigned long now = millis();
  int mood = (now / 4000) % 4;  // a new blend every 4 s
  mix(moods[mood][0], 0.7, moods[mood][1], 0.3);
  ef_follow(&pos, &vel, &target, EF_FOLLOW_RATE, (now - last_ms) / 1000.0);
  last_ms = now;
  ef_compose(&pos, ef_blinker_at(&blinker, now / 1000.0), &shown);
  ef_render(&shown, frame);
  // Adafruit_SSD1306 keeps its buffer in the SSD1306's page layout, as ef_render writes it,
  // so the frame is copied as it is (drawBitmap would want rows of bits, MSB first).
  memcpy(display.getBuffer(), frame, EF_FRAME_BYTES);
  display.display();
}
