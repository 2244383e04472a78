// SPDX-License-Identifier: MIT
/*
 * Cancellation and reports (README, "Threads"): a thread with a
 * deferred cancellation request pending makes a bad access.  The report
 * is printed whole (its write() is no cancellation point: cancellation
 * is disabled inside it); the thread goes on after it, as after any code
 * without a cancellation point, and is cancelled at its next one
 * (pthread_testcancel here).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static volatile int after_report, after_testcancel;

static void *victim(void *arg)
{
	char *p = malloc(10);
	volatile size_t past = 10;

	(void)arg;
	pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, NULL);
	pthread_cancel(pthread_self());	/* pending from now on */
	__asm__ volatile("" : "+r"(p));
	p[past] = 1;			/* the report */
	after_report = 1;
	pthread_testcancel();		/* cancelled here */
	after_testcancel = 1;
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *ret;

	if (pthread_create(&t, NULL, victim, NULL) || pthread_join(t, &ret))
		return 2;
	printf("cancelled %d after_report %d after_testcancel %d\n", ret == PTHREAD_CANCELED,
	       after_report, after_testcancel);
	return 0;
}
