/* A growable list of owned strings. */
#ifndef SFB_STRV_H
#define SFB_STRV_H

#include <stdbool.h>
#include <stddef.h>

#include "sfbnet/status.h"
#include "sfb_strmap.h"

/* Past a few strings, a hash index answers "is it there?" (sfb_strv_has,
 * unique adds) so that building a list of n unique names costs n, not n^2. */
#define SFB_STRV_INDEX_AT 16

typedef struct sfb_strv {
	char **v;
	size_t n, cap;
	sfb_strmap idx;       /* every string, once n reached SFB_STRV_INDEX_AT */
} sfb_strv;

void sfb_strv_init(sfb_strv *s);
void sfb_strv_free(sfb_strv *s);
/* Append a copy of str (n bytes); with unique, a string already present
 * (compared without regard to ASCII case) is not added again. */
sfb_status sfb_strv_addn(sfb_strv *s, const char *str, size_t n, bool unique);
sfb_status sfb_strv_add(sfb_strv *s, const char *str, bool unique);
bool sfb_strv_has(const sfb_strv *s, const char *str);

#endif
