/*
 * mc_err: why a call failed, as the caller needs it.  Holds the EC2
 * error code, the errno behind it if any, and a message that is safe to
 * show to the API client.  A function that can fail takes
 * "struct mc_err *err" last, returns -1 (or NULL) and fills *err; on
 * success it leaves *err alone.  Only the caller decides to log.
 */
#ifndef MC_ERR_H
#define MC_ERR_H

enum mc_ec {
	MC_EC_NONE = 0,
	MC_EC_INTERNAL_ERROR,
	MC_EC_AUTH_FAILURE,
	MC_EC_SIGNATURE_DOES_NOT_MATCH,
	MC_EC_INCOMPLETE_SIGNATURE,
	MC_EC_MISSING_AUTHENTICATION_TOKEN,
	MC_EC_REQUEST_EXPIRED,
	MC_EC_INVALID_ACTION,
	MC_EC_MISSING_PARAMETER,
	MC_EC_INVALID_PARAMETER_VALUE,
	MC_EC_INVALID_PARAMETER_COMBINATION,
	MC_EC_UNKNOWN_PARAMETER,
	MC_EC_DRY_RUN_OPERATION,
	MC_EC_UNAUTHORIZED_OPERATION,
	MC_EC_REQUEST_LIMIT_EXCEEDED,
	MC_EC_REQUEST_TOO_LARGE,
	MC_EC_METHOD_NOT_ALLOWED,
	MC_EC_INVALID_INSTANCE_TYPE,
	MC_EC_INVALID_INSTANCE_ID_MALFORMED,
	MC_EC_INVALID_AMI_ID_MALFORMED,
	MC_EC_INVALID_VOLUME_ID_MALFORMED,
	MC_EC_INVALID_INSTANCE_ID_NOT_FOUND,
	MC_EC_INVALID_AMI_ID_NOT_FOUND,
	MC_EC_INVALID_AMI_ID_UNAVAILABLE,
	MC_EC_INCORRECT_INSTANCE_STATE,
	MC_EC_INSUFFICIENT_INSTANCE_CAPACITY,
	MC_EC_INSTANCE_LIMIT_EXCEEDED,
	MC_EC_IDEMPOTENT_PARAMETER_MISMATCH,
	MC_EC_OPERATION_NOT_PERMITTED,
	MC_EC_INVALID_ID,
	MC_EC_TAG_LIMIT_EXCEEDED,
	MC_EC_INVALID_AMI_NAME_DUPLICATE,
	MC_EC_INVALID_AMI_ATTRIBUTE_ITEM_VALUE,
	MC_EC_INVALID_KEY_PAIR_NOT_FOUND,
	MC_EC_INVALID_KEY_PAIR_DUPLICATE,
	MC_EC_INVALID_KEY_FORMAT,
	MC_EC_RESOURCE_LIMIT_EXCEEDED,
	MC_EC__MAX
};

struct mc_err {
	enum mc_ec	 code;		/* MC_EC_NONE until the first failure */
	int		 sys_errno;	/* errno behind an internal error, or 0 */
	char		 msg[256];	/* EC2 <Message>: no paths, no secrets */
};

/* Record the first failure in err (NULL: caller does not care). Returns -1. */
int	mc_err_set(struct mc_err *err, enum mc_ec code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Same, as MC_EC_INTERNAL_ERROR, keeping errnum for the log line. */
int	mc_err_sys(struct mc_err *err, int errnum, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* EC2's name for code ("InvalidParameterValue"); a static string. */
const char	*mc_err_name(enum mc_ec code);

/* The HTTP status EC2 answers with for code (400, 401, 403, 412, 500...). */
int	mc_err_http_status(enum mc_ec code);

#endif /* MC_ERR_H */
