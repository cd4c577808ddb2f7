/* render: a command-line harness of the exported C face (docs/face.md, "On a microcontroller").
 *
 *   render [-i INTENSITY] [-s SEED] BLEND [TIME]
 *       BLEND as for `emotion-engine face --blend` (joy=0.6,surprise=0.4). Without TIME:
 *       the static frame of the blend, byte for byte `emotion-engine face --blend BLEND
 *       --ssd1306 out.bin`; with TIME (s): the scheduled animation's frame at that time
 *       (from neutral at 0, seed SEED, default EF_DEFAULT_SEED). 1024 bytes to stdout.
 *   render [-s SEED] -f PARAMS [TIME]
 *       The same for a face given by its EF_N_PARAMS parameters (comma-separated, in the
 *       order of the EF_* indices) instead of a blend.
 *   render --batch
 *       The same for each line of stdin (the same arguments, split at spaces): 1024 bytes
 *       a line, in order. The tests run every case through one process this way.
 *
 * Bad input: one line on stderr saying what was wrong, exit status 2.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emotion_face.h"

#define MAX_ARGS 8
#define MAX_LINE 4096

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "render: %s%s\n", what, detail);
    return 2;
}

/* A whole string (surrounding spaces allowed) as a double: 0, or -1 if it is not one. */
static int parse_number(const char *text, double *out)
{
    char *end;
    *out = strtod(text, &end);
    while (isspace((unsigned char)*end)) {
        ++end;
    }
    return end == text || *end != '\0' ? -1 : 0;
}

static char *strip(char *s)
{
    char *end = s + strlen(s);
    while (isspace((unsigned char)*s)) {
        ++s;
    }
    while (end > s && isspace((unsigned char)end[-1])) {
        *--end = '\0';
    }
    return s;
}

/* face.expressions.parse_blend: "joy=0.6,surprise=0.4" -> weights; 0, or 2 after an error. */
static int parse_blend(const char *text, double weights[EF_N_PRESETS])
{
    char buffer[MAX_LINE], *item, *rest;
    int given[EF_N_PRESETS] = {0}, any = 0, k;
    if (strlen(text) >= sizeof buffer) {
        return fail("the blend is too long", "");
    }
    strcpy(buffer, text);
    for (k = 0; k < EF_N_PRESETS; ++k) {
        weights[k] = 0.0;
    }
    for (item = buffer; item != NULL; item = rest) {
        char *sep, *name;
        double weight;
        int index;
        rest = strchr(item, ',');
        if (rest != NULL) {
            *rest++ = '\0';
        }
        item = strip(item);
        if (*item == '\0') {
            continue;
        }
        sep = strchr(item, '=');
        if (sep == NULL) {
            return fail("blend item is not NAME=WEIGHT: ", item);
        }
        *sep = '\0';
        name = strip(item);
        if (parse_number(sep + 1, &weight) != 0) {
            return fail("a weight is not a number: ", sep + 1);
        }
        index = ef_preset_index(name);
        if (index < 0) {
            fprintf(stderr, "render: unknown expression '%s'; expected one of:", name);
            for (k = 0; k < EF_N_PRESETS; ++k) {
                fprintf(stderr, "%s %s", k ? "," : "", ef_preset_names[k]);
            }
            fputc('\n', stderr);
            return 2;
        }
        if (!(isfinite(weight) && weight >= 0.0)) {
            return fail("weights must be finite and >= 0; got ", sep + 1);
        }
        if (given[index]) {
            return fail("an expression is given twice; give each once: ", name);
        }
        given[index] = any = 1;
        weights[index] += weight;
    }
    return any ? 0 : fail("empty blend; give NAME=WEIGHT pairs, e.g. joy=0.6,surprise=0.4", "");
}

/* "-f" PARAMS: the EF_N_PARAMS parameters of a face, comma-separated; 0, or 2 after an error. */
static int parse_face(const char *text, ef_face *face)
{
    const char *p = text;
    char *end;
    int j;
    for (j = 0; j < EF_N_PARAMS; ++j) {
        face->v[j] = strtod(p, &end);
        if (end == p || !isfinite(face->v[j]) || *end != (j + 1 < EF_N_PARAMS ? ',' : '\0')) {
            fprintf(stderr, "render: -f needs %d finite numbers separated by commas; got %s\n",
                    EF_N_PARAMS, text);
            return 2;
        }
        p = end + 1;
    }
    return 0;
}

#define USAGE "usage: render [-i INTENSITY] [-s SEED] BLEND [TIME] | render [-s SEED] -f PARAMS [TIME]"

/* One frame from arguments (without the program name); 0, or 2 after an error. */
static int frame_from_args(int argc, char **argv, uint8_t frame[EF_FRAME_BYTES])
{
    double weights[EF_N_PRESETS], intensity = 1.0, t = 0.0;
    unsigned long long seed = EF_DEFAULT_SEED;
    const char *positional[2];
    int n_positional = 0, given_face = 0, i, status;
    ef_face target, shown;
    for (i = 0; i < argc; ++i) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "-f") == 0) {
            if (value == NULL) {
                return fail("a value must follow ", argv[i]);
            }
            if (argv[i][1] == 'i') {
                if (parse_number(value, &intensity) != 0
                    || !(intensity >= 0.0 && intensity <= EF_MAX_INTENSITY)) {
                    fprintf(stderr, "render: -i INTENSITY must be from 0 to %g; got %s\n",
                            EF_MAX_INTENSITY, value);
                    return 2;
                }
            } else if (argv[i][1] == 's') {
                char *end;
                errno = 0;
                seed = strtoull(value, &end, 10);
                if (!isdigit((unsigned char)value[0]) || *end != '\0' || errno == ERANGE) {
                    return fail("-s SEED must be an integer from 0 to 2**64 - 1; got ", value);
                }
            } else {
                status = parse_face(value, &target);
                if (status != 0) {
                    return status;
                }
                given_face = 1;
            }
            ++i;
        } else if (n_positional < 2 - given_face) {
            positional[n_positional++] = argv[i];
        } else {
            return fail("too many arguments; " USAGE, "");
        }
    }
    if (given_face && n_positional > 1) {
        return fail("too many arguments; " USAGE, "");
    }
    if (!given_face) {
        if (n_positional == 0) {
            return fail(USAGE, "");
        }
        status = parse_blend(positional[0], weights);
        if (status != 0) {
            return status;
        }
        ef_blend(weights, intensity, &target);
    }
    if (n_positional > !given_face) {
        const char *time = positional[n_positional - 1];
        if (parse_number(time, &t) != 0 || !(isfinite(t) && t >= 0.0)) {
            return fail("TIME must be a number of seconds >= 0; got ", time);
        }
        ef_animated(&target, t, (uint64_t)seed, &shown);
    } else {
        shown = target;
    }
    ef_render(&shown, frame);
    return 0;
}

static int batch(void)
{
    char line[MAX_LINE], *args[MAX_ARGS];
    uint8_t frame[EF_FRAME_BYTES];
    while (fgets(line, sizeof line, stdin) != NULL) {
        int n = 0, status;
        char *token = strtok(line, " \t\r\n");
        for (; token != NULL; token = strtok(NULL, " \t\r\n")) {
            if (n == MAX_ARGS) {
                return fail("too many arguments on a line of --batch", "");
            }
            args[n++] = token;
        }
        status = frame_from_args(n, args, frame);
        if (status != 0) {
            return status;
        }
        fwrite(frame, 1, EF_FRAME_BYTES, stdout);
    }
    return ferror(stdout) || fflush(stdout) != 0 ? fail("could not write stdout", "") : 0;
}

int main(int argc, char **argv)
{
    uint8_t frame[EF_FRAME_BYTES];
    int status;
    if (argc == 2 && strcmp(argv[1], "--batch") == 0) {
        return batch();
    }
    status = frame_from_args(argc - 1, argv + 1, frame);
    if (status != 0) {
        return status;
    }
    fwrite(frame, 1, EF_FRAME_BYTES, stdout);
    return fflush(stdout) != 0 ? fail("could not write stdout", "") : 0;
}
