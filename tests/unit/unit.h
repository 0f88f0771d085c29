/*
 * A minimal unit test frame. Each TEST prints "PASS: name" or
 * "FAIL: name: what was expected"; tests/run counts those lines.
 */
#ifndef JUPYSSH_UNIT_H
#define JUPYSSH_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed, unit_case_failed;
static const char *unit_case;

#define TEST(name) static void name(void)

#define RUN(name) do {							\
	unit_case = #name;						\
	unit_case_failed = 0;						\
	name();								\
	if (!unit_case_failed)						\
		printf("PASS: unit/%s\n", unit_case);			\
	fflush(stdout);							\
} while (0)

#define FAILF(...) do {							\
	if (!unit_case_failed)						\
		printf("FAIL: unit/%s: ", unit_case);			\
	else								\
		printf("  also: ");					\
	printf(__VA_ARGS__);						\
	printf(" (%s:%d)\n", __FILE__, __LINE__);			\
	unit_case_failed = 1;						\
	unit_failed++;							\
} while (0)

#define ASSERT_INT_EQ(got, want) do {					\
	long long g_ = (got), w_ = (want);				\
	if (g_ != w_)							\
		FAILF("%s: expected %lld, got %lld", #got, w_, g_);	\
} while (0)

#define ASSERT_STR_EQ(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ == NULL || w_ == NULL ? g_ != w_ : strcmp(g_, w_) != 0)	\
		FAILF("%s: expected \"%s\", got \"%s\"", #got,		\
		    w_ ? w_ : "(null)", g_ ? g_ : "(null)");		\
} while (0)

#define ASSERT_CONTAINS(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ == NULL || strstr(g_, w_) == NULL)			\
		FAILF("%s: expected to contain \"%s\", got \"%s\"",	\
		    #got, w_, g_ ? g_ : "(null)");			\
} while (0)

#define ASSERT_NOT_CONTAINS(got, want) do {				\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ != NULL && strstr(g_, w_) != NULL)			\
		FAILF("%s: expected not to contain \"%s\", got \"%s\"",	\
		    #got, w_, g_);					\
} while (0)

#endif
