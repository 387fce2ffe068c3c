#ifndef TERMIN_CEPOLL_SHIM_H
#define TERMIN_CEPOLL_SHIM_H
// epoll, eventfd and accept4 are not exported by Swift's Glibc module; this header-only module exposes them.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/tcp.h>

// accept4 is declared by <sys/socket.h> only under _GNU_SOURCE.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#endif
