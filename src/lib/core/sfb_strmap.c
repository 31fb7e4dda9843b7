/* Case-insensitive string -> index hash map (open addressing, linear
 * probing, at most half full). */
#include "sfb_strmap.h"

#include <stdlib.h>
#include <strings.h>

static uint64_t
hash_nocase(const char *s)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 1099511628211ull;
	}
	return h;
}

void
sfb_strmap_init(sfb_strmap *m)
{
	m->s = NULL;
	m->n = m->cap = 0;
}

void
sfb_strmap_free(sfb_strmap *m)
{
	free(m->s);
	sfb_strmap_init(m);
}

static struct sfb_strmap_slot *
find(const sfb_strmap *m, const char *key, uint64_t h)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	for (i = (size_t)h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (m->s[i].key == NULL)
			return &m->s[i];
		if (m->s[i].hash == h && strcasecmp(m->s[i].key, key) == 0)
			return &m->s[i];
	}
}

bool
sfb_strmap_get(const sfb_strmap *m, const char *key, size_t *val)
{
	const struct sfb_strmap_slot *e = find(m, key, hash_nocase(key));

	if (e == NULL || e->key == NULL)
		return false;
	*val = e->val;
	return true;
}

static sfb_status
rehash(sfb_strmap *m, size_t cap)
{
	struct sfb_strmap_slot *old = m->s, *e;
	size_t oldcap = m->cap, i;

	m->s = calloc(cap, sizeof(*m->s));
	if (m->s == NULL) {
		m->s = old;
		return SFB_ENOMEM;
	}
	m->cap = cap;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		e = find(m, old[i].key, old[i].hash);
		*e = old[i];
	}
	free(old);
	return SFB_OK;
}

sfb_status
sfb_strmap_put(sfb_strmap *m, const char *key, size_t val, bool *had, size_t *val_out)
{
	uint64_t h = hash_nocase(key);
	struct sfb_strmap_slot *e;
	sfb_status st;

	if ((m->n + 1) * 2 > m->cap) {
		if (m->cap > SIZE_MAX / 4 / sizeof(*m->s))
			return SFB_ENOMEM;
		if ((st = rehash(m, m->cap != 0 ? m->cap * 2 : 16)) != SFB_OK)
			return st;
	}
	e = find(m, key, h);
	if (e->key != NULL) {
		if (had != NULL)
			*had = true;
		if (val_out != NULL)
			*val_out = e->val;
		return SFB_OK;
	}
	e->key = key;
	e->val = val;
	e->hash = h;
	m->n++;
	if (had != NULL)
		*had = false;
	if (val_out != NULL)
		*val_out = val;
	return SFB_OK;
}
