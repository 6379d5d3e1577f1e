/*
 * mc_proto_md: what the metadata service says to an instance, in the
 * desired state: fixed fields through the table, and the parts that own
 * memory (key, user data as base64, tags) by hand.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "mc_base64.h"
#include "mc_err.h"
#include "mc_proto_priv.h"

/* The fixed part of struct mc_proto_md; the rest is read by hand. */
static const struct field md_fields[] = {
	NUM(struct mc_proto_md, K_UINT, "launch_index", launch_index, 65535,
	    false),
	NUM(struct mc_proto_md, K_U64, "launch_ms", launch_ms, INT64_MAX,
	    false),
	STR(struct mc_proto_md, "key_name", key_name, C_ANY, false),
	STR(struct mc_proto_md, "tokens", tokens, C_WORD, true),
	NUM(struct mc_proto_md, K_UINT, "hop_limit", hop_limit, 64, true),
	STR(struct mc_proto_md, "endpoint", endpoint, C_WORD, true),
	OTHER(struct mc_proto_md, K_BOOL, "instance_tags", instance_tags,
	    false),
};

void
mc_proto_md_clear(struct mc_proto_md *md)
{
	size_t i;

	free(md->key_openssh);
	free(md->user_data);
	for (i = 0; i < md->n_tags; i++) {
		free(md->tags[i].key);
		free(md->tags[i].value);
	}
	free(md->tags);
	memset(md, 0, sizeof(*md));
}

/* An optional printable string of at most max bytes under key, new. */
static int
get_dstr(json_object *o, const char *key, size_t max, bool empty_ok,
    char **ret, struct mc_err *err)
{
	json_object	*v;
	const char	*s;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return mc_proto_bad_field(err, key);
	s = json_object_get_string(v);
	if (strlen(s) > max || !mc_proto_printable(s) || (!empty_ok && s[0] == '\0'))
		return mc_proto_bad_field(err, key);
	if ((*ret = strdup(s)) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	return 0;
}

static int
get_tags(json_object *o, struct mc_proto_md *md, struct mc_err *err)
{
	json_object	*a, *t;
	size_t		 n, i;

	if (!json_object_object_get_ex(o, "tags", &a))
		return 0;
	if (!json_object_is_type(a, json_type_array) ||
	    (n = json_object_array_length(a)) > MC_PROTO_TAGS_MAX)
		return mc_proto_bad_field(err, "tags");
	if (n > 0 && (md->tags = calloc(n, sizeof(*md->tags))) == NULL)
		return mc_err_sys(err, ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		t = json_object_array_get_idx(a, i);
		md->n_tags = i + 1;
		if (!json_object_is_type(t, json_type_object) ||
		    get_dstr(t, "key", 512, false, &md->tags[i].key, err) < 0 ||
		    get_dstr(t, "value", 1024, true, &md->tags[i].value,
		    err) < 0 || md->tags[i].key == NULL ||
		    md->tags[i].value == NULL)
			return mc_proto_bad_field(err, "tags");
	}
	return 0;
}

int
mc_proto_get_md(json_object *o, struct mc_proto_md *md, struct mc_err *err)
{
	char	*ud = NULL;
	int	 rc;

	if (!json_object_is_type(o, json_type_object))
		return mc_proto_bad_field(err, "md");
	rc = mc_proto_get_fields(o, md_fields, NFIELDS(md_fields), md, err);
	if (rc == 0)
		rc = get_dstr(o, "key_openssh", MC_PROTO_KEY_MAX, false,
		    &md->key_openssh, err);
	if (rc == 0)
		rc = get_dstr(o, "user_data", MC_PROTO_USER_DATA_MAX * 4 / 3 + 4,
		    true, &ud, err);
	if (rc == 0 && ud != NULL) {
		md->has_user_data = true;
		if (mc_base64_decode(ud, &md->user_data, &md->user_data_len,
		    NULL) < 0 || md->user_data_len > MC_PROTO_USER_DATA_MAX)
			rc = mc_proto_bad_field(err, "user_data");
	}
	free(ud);
	if (rc == 0)
		rc = get_tags(o, md, err);
	if (rc < 0)
		mc_proto_md_clear(md);
	return rc;
}

json_object *
mc_proto_put_md(const struct mc_proto_md *md)
{
	json_object	*o = mc_proto_put_fields(md_fields, NFIELDS(md_fields), md);
	json_object	*a, *t;
	char		*ud;
	size_t		 i;

	if (o == NULL)
		return NULL;
	if (md->key_openssh != NULL)
		json_object_object_add(o, "key_openssh",
		    json_object_new_string(md->key_openssh));
	if (md->has_user_data &&
	    (ud = mc_base64_encode(md->user_data, md->user_data_len)) != NULL) {
		json_object_object_add(o, "user_data",
		    json_object_new_string(ud));
		free(ud);
	}
	if (md->n_tags > 0 && (a = json_object_new_array()) != NULL) {
		for (i = 0; i < md->n_tags; i++) {
			t = json_object_new_object();
			json_object_object_add(t, "key",
			    json_object_new_string(md->tags[i].key));
			json_object_object_add(t, "value",
			    json_object_new_string(md->tags[i].value));
			json_object_array_add(a, t);
		}
		json_object_object_add(o, "tags", a);
	}
	return o;
}

