/* The entries of a directory in name order: the catalogue and fuzz corpora
 * are read the same way on every machine. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attack.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n >= k && !strcmp(name + n - k, suffix);
}

char **atk_list_dir(const char *dir, const char *suffix, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	*count = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char **more;

		if (e->d_name[0] == '.' || !has_suffix(e->d_name, suffix))
			continue;
		more = realloc(names, (n + 1) * sizeof(*names));
		if (!more)
			break;
		names = more;
		names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!names[n])
			break;
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (n) /* qsort(NULL, 0) is undefined */
		qsort(names, n, sizeof(*names), cmp_names);
	if (!names) /* an empty directory is a list of nothing, not an error */
		names = calloc(1, sizeof(*names));
	if (!names)
		errno = ENOMEM;
	*count = names ? n : 0;
	return names;
}

void atk_list_free(char **names, size_t count)
{
	for (size_t i = 0; names && i < count; i++)
		free(names[i]);
	free(names);
}
