/* Edit distance (Damerau: insert, delete, substitute, swap neighbours)
 * between an unknown name and the known ones, for the hint of an error. */
#include "sfb_near.h"

#include <string.h>

#define NEAR_MAX 64   /* longer names get no hint */

static size_t
min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Distance, or NEAR_MAX when either name is too long to compare. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, cost;
	size_t d[NEAR_MAX + 1][NEAR_MAX + 1];

	if (la > NEAR_MAX || lb > NEAR_MAX)
		return NEAR_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] == b[j - 1] ? 0 : 1;
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	return d[la][lb];
}

void
sfb_near_hint(sfb_buf *b, const char *s, size_t n, sfb_name_at name, const void *arg)
{
	const char *best = NULL, *c;
	size_t i, dist, bestd = NEAR_MAX, len = strlen(s);
	int ties = 0;

	for (i = 0; i < n; i++) {
		if ((c = name(i, arg)) == NULL)
			continue;
		dist = distance(s, c);
		if (dist < bestd) {
			bestd = dist;
			best = c;
			ties = 0;
		} else if (dist == bestd && best != NULL && strcmp(best, c) != 0) {
			ties++;
		}
	}
	if (best == NULL || bestd == 0 || bestd > 2 || 2 * bestd >= len || ties > 0)
		return;
	sfb_buf_puts(b, " (did you mean '");
	sfb_buf_puts(b, best);
	sfb_buf_puts(b, "'?)");
}
