/*
 * agt_images: the images this host needs, each fetched once.  Asking
 * for an image that is not cached starts one download thread for it;
 * asking again while it runs (ten launches of one image) just says
 * "fetching".  A finished download wakes the agent's main loop through
 * a pipe.  A failed one is retried after a pause.
 */
#ifndef AGT_IMAGES_H
#define AGT_IMAGES_H

#include <stddef.h>

#include "mc_proto.h"

struct mc_err;
struct agt_images;

enum agt_img_state {
	AGT_IMG_FETCHING,
	AGT_IMG_READY,
	AGT_IMG_FAILED,
};

/*
 * A table for cache_dir.  wake_fd (borrowed; the caller keeps it open
 * for the agent's life) gets a byte when a download ends.  auth is the
 * header each download sends (copied).  Returns 0, or -1 with err set.
 */
int	agt_images_new(const char *cache_dir, const char *auth, int wake_fd,
	    struct agt_images **ret, struct mc_err *err);

/*
 * Where img stands, starting its download from url when it is neither
 * cached nor being fetched.  On AGT_IMG_FAILED, why gets the reason.
 */
enum agt_img_state agt_images_ensure(struct agt_images *t,
	    const struct mc_proto_image *img, const char *url, char *why,
	    size_t whysz);

/* Let go of the table; running downloads finish on their own. */
void	agt_images_free(struct agt_images *t);

#endif /* AGT_IMAGES_H */
