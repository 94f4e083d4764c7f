/* heapsim list-layouts [--json]: the layout table. */
#include <string.h>

#include "heapsim.h"

int heapsim_cmd_list_layouts(int argc, char **argv)
{
	static const struct option opts[] = { { "json", no_argument, NULL, 'j' }, { 0 } };
	struct cli_parser p;
	const char *v;
	bool json = false;
	int c;

	cli_parser_init(&p, "list-layouts", argc, argv, opts);
	while ((c = cli_next(&p, &v)) != CLI_DONE) {
		if (c == CLI_HELP) {
			printf("usage: heapsim list-layouts [--json]\n");
			return HEAPSIM_EXIT_CLEAN;
		}
		if (c == 'j')
			json = true;
		else if (c == CLI_OPERAND)
			return cli_unexpected(&p, v);
		else
			return HEAPSIM_EXIT_USAGE;
	}
	if (json)
		printf("[");
	for (size_t i = 0; i < ll_layout_count(); i++) {
		const struct ll_layout *l = ll_layout_at(i);

		if (!json) {
			printf("%-12s %-10s %s\n", l->name, l->vulnerable ? "vulnerable" : "safe",
			       l->description);
			continue;
		}
		printf("%s{\"name\":", i ? "," : "");
		cli_json_string(stdout, l->name);
		printf(",\"vulnerable_by_design\":%s,\"user_heap_access\":%s,\"description\":",
		       l->vulnerable ? "true" : "false", l->user_heap_access ? "true" : "false");
		cli_json_string(stdout, l->description);
		printf("}");
	}
	if (json)
		printf("]\n");
	return HEAPSIM_EXIT_CLEAN;
}
