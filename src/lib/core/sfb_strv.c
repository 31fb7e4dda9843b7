/* A growable list of owned strings. */
#include "sfb_strv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sfb_ctx.h"

void
sfb_strv_init(sfb_strv *s)
{
	s->v = NULL;
	s->n = s->cap = 0;
	sfb_strmap_init(&s->idx);
}

void
sfb_strv_free(sfb_strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	sfb_strmap_free(&s->idx);
	sfb_strv_init(s);
}

bool
sfb_strv_has(const sfb_strv *s, const char *str)
{
	size_t i;

	if (s->idx.n > 0)
		return sfb_strmap_get(&s->idx, str, &i);
	for (i = 0; i < s->n; i++)
		if (s->v[i] != NULL && strcasecmp(s->v[i], str) == 0)
			return true;
	return false;
}

/* Keep the index up to date with v[s->n - 1], building it at the size
 * where it starts to pay. */
static sfb_status
index_last(sfb_strv *s)
{
	size_t i;

	if (s->n < SFB_STRV_INDEX_AT)
		return SFB_OK;
	for (i = s->idx.n > 0 ? s->n - 1 : 0; i < s->n; i++)
		if (s->v[i] != NULL && sfb_strmap_put(&s->idx, s->v[i], i, NULL, NULL) != SFB_OK)
			return SFB_ENOMEM;
	return SFB_OK;
}

sfb_status
sfb_strv_addn(sfb_strv *s, const char *str, size_t n, bool unique)
{
	char *copy = sfb_strndup(str, n);

	if (copy == NULL)
		return SFB_ENOMEM;
	if (unique && sfb_strv_has(s, copy)) {
		free(copy);
		return SFB_OK;
	}
	if (sfb_grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) != SFB_OK) {
		free(copy);
		return SFB_ENOMEM;
	}
	s->v[s->n++] = copy;
	return index_last(s);
}

sfb_status
sfb_strv_add(sfb_strv *s, const char *str, bool unique)
{
	return sfb_strv_addn(s, str, strlen(str), unique);
}
