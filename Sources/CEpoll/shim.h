#ifndef TERMIN_CEPOLL_SHIM_H
#define TERMIN_CEPOLL_SHIM_H
// epoll and eventfd are not exported by Swift's Glibc module; this header-only module exposes them.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <netinet/tcp.h>
#endif
