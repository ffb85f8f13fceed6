/*
 * text.h: UTF-8 checks and the folding used to compare French words.
 *
 * Folding maps text to lower-case ASCII for the Latin letters French uses
 * ("Œuvre Électrique" -> "oeuvre electrique"): accents removed, ligatures
 * expanded (œ -> oe, æ -> ae, ß -> ss), every run of characters that is
 * not a letter or a digit becomes one space, no leading or trailing space.
 * Combining accents are dropped; punctuation and symbols (currency,
 * arrows, emoji...) are separators. Letters outside Latin-1 and Latin
 * Extended-A are kept as they are.
 * Pure functions, thread-safe.
 */
#ifndef ESSAIM_TEXT_H
#define ESSAIM_TEXT_H

#include <stddef.h>

#include "buf.h"

/* text_utf8_valid: 1 if s[0..n) is well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF, no NUL byte), else 0. */
int text_utf8_valid(const char *s, size_t n);

/* text_json_depth: the deepest nesting of arrays and objects in the JSON
 * text s[0..n) (brackets inside strings do not count; nothing else is
 * checked). jansson recurses once per level, up to 2048, and a CivetWeb
 * worker thread has a 100 KiB stack that about 400 levels overflow: check
 * untrusted JSON with this before json_loadb on a worker (TEXT_JSON_DEPTH
 * is the limit the server uses). */
#define TEXT_JSON_DEPTH 64
size_t text_json_depth(const char *s, size_t n);

/* text_utf8_scrub: replace each byte of s that is not part of a
 * well-formed UTF-8 character by '?', in place. For messages that quote
 * input (a JSON parser's error text holds raw bytes) or are cut to their
 * buffers, maybe inside a character: jansson refuses such a string, and
 * the message would be lost. */
void text_utf8_scrub(char *s);

/* text_utf8_chars: number of code points in a valid UTF-8 string. */
size_t text_utf8_chars(const char *s);

/* text_utf8_next: decode one code point at *p (valid UTF-8 assumed),
 * advance *p past it. Returns the code point, 0 at the end. */
unsigned text_utf8_next(const char **p);

/* text_fold_cp: the folded form of one code point: a static string of
 * lower-case ASCII ("e", "oe"), "" for a separator, text_fold_drop (an
 * empty string told apart by its address) for a mark that disappears
 * (combining accents, soft hyphen), or NULL when the code point is a
 * letter kept as it is. */
extern const char text_fold_drop[];
const char *text_fold_cp(unsigned cp);

/* text_fold: append the folded form of s (valid UTF-8) to out. */
void text_fold(const char *s, struct buf *out);

/* text_fold_dup: the folded form of s in a new string (free() it), or
 * NULL when out of memory. */
char *text_fold_dup(const char *s);

#endif
