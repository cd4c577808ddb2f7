// The Emotion Engine's live face on a 128x64 SSD1306, streamed over the USB serial line.
//
// On the computer:   emotion-engine face --live --serial /dev/ttyUSB0 --baud 115200
// (type stimuli such as "dopamine 0.8" on its stdin). Each frame is the sync word A5 5A, a
// counter, the 1024 bytes of the display's page buffer and a CRC-16/CCITT-FALSE
// (frame_reader.h; docs/face.md, "Serial frames"). The page buffer has the layout of
// Adafruit_SSD1306's own buffer, so a frame is read straight into getBuffer() and shown
// with display() once its CRC holds.
//
// Libraries: Adafruit SSD1306 and Adafruit GFX (Library Manager). Wiring (I2C): VCC, GND,
// SDA and SCL of the display to the board's 3.3 V (or 5 V), GND, SDA and SCL.
// At 115200 baud a frame takes 89 ms (about 11 frames a second); boards with native USB or
// a fast UART (ESP32, RP2040) take --baud 921600 or more, set the same below.

#include <Adafruit_GFX.h>
#include <Adafruit_SSD1306.h>
#include <Wire.h>

#include "frame_reader.h"

const unsigned long BAUD = 115200;
const uint8_t ADDRESS = 0x3C;  // the display's I2C address (some modules use 0x3D)

Adafruit_SSD1306 display(128, 64, &Wire, -1);
FaceFrameReader reader;

void setup() {
  Serial.begin(BAUD);
  pinMode(LED_BUILTIN, OUTPUT);
  if (!display.begin(SSD1306_SWITCHCAPVCC, ADDRESS)) {
    for (;;) {  // no display (or no RAM for its buffer): blink the LED instead
      digitalWrite(LED_BUILTIN, !digitalRead(LED_BUILTIN));
      delay(200);
    }
  }
  display.clearDisplay();
  display.display();
  face_reader_init(&reader, display.getBuffer());
}

void loop() {
  while (Serial.available() > 0) {
    if (face_reader_feed(&reader, (uint8_t)Serial.read())) {
      display.display();
    }
  }
}
