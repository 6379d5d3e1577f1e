/*
 * mc_buf: a growable byte buffer that is always NUL-terminated.  Appends
 * never fail loudly: the first allocation failure, or growth past the
 * buffer's limit, sets a sticky flag that the owner checks once at the
 * end, so builders need no error check per append.
 */
#ifndef MC_BUF_H
#define MC_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct mc_buf {
	char	*data;		/* owned; NULL until the first append */
	size_t	 len;		/* bytes in data, without the NUL */
	size_t	 cap;		/* bytes allocated */
	size_t	 limit;		/* most bytes it may hold; 0: no limit */
	bool	 failed;	/* an append ran out of memory or limit */
};

/* Set up an empty buffer the caller owns; limit 0 means unlimited. */
void	mc_buf_init(struct mc_buf *b, size_t limit);

/* Free the contents; b may be reused after mc_buf_init. */
void	mc_buf_clear(struct mc_buf *b);

/* Append n bytes of p (borrowed). */
void	mc_buf_add(struct mc_buf *b, const void *p, size_t n);

/* Append a NUL-terminated string (borrowed). */
void	mc_buf_adds(struct mc_buf *b, const char *s);

/* Append one byte. */
void	mc_buf_addc(struct mc_buf *b, char c);

/* Append printf-formatted text. */
void	mc_buf_addf(struct mc_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Empty the buffer, keeping its memory and clearing the failed flag. */
void	mc_buf_reset(struct mc_buf *b);

/*
 * Hand the contents to the caller (a string the caller frees; an empty
 * string when nothing was appended) and leave b empty.  Returns NULL when
 * an append failed or memory runs out; b is emptied in either case.
 */
char	*mc_buf_steal(struct mc_buf *b, size_t *ret_len);

#endif /* MC_BUF_H */
