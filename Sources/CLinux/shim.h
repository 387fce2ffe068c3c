#ifndef TERMIN_CLINUX_SHIM_H
#define TERMIN_CLINUX_SHIM_H
// Linux and glibc interfaces that Swift's Glibc module does not export (they sit behind _GNU_SOURCE or in headers
// it leaves out): epoll, eventfd and accept4 for the HTTP server; closing inherited descriptors in posix_spawn.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/tcp.h>
#include <spawn.h>

extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
// glibc 2.34+: the child closes every descriptor from `from` on, before exec.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);
#endif
