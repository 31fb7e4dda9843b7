/* A hash map from names to indices, compared without regard to ASCII case
 * (DNS names, pool FQDNs): what turns "find this name among all the others"
 * from a linear search into a constant-time lookup, so that topologies with
 * 100,000 names stay near-linear.  The map does not own its keys: they must
 * outlive it. */
#ifndef SFB_STRMAP_H
#define SFB_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfbnet/status.h"

struct sfb_strmap_slot {
	const char *key;      /* NULL: empty */
	size_t val;
	uint64_t hash;
};

typedef struct sfb_strmap {
	struct sfb_strmap_slot *s;
	size_t n, cap;        /* cap: 0 or a power of two */
} sfb_strmap;

void sfb_strmap_init(sfb_strmap *m);
void sfb_strmap_free(sfb_strmap *m);
/* The value of key, if present. */
bool sfb_strmap_get(const sfb_strmap *m, const char *key, size_t *val);
/* Add key -> val unless key is present; *had (may be NULL) says which, and
 * *val_out (may be NULL) gets the value the key now has. */
sfb_status sfb_strmap_put(sfb_strmap *m, const char *key, size_t val, bool *had,
    size_t *val_out);

#endif
