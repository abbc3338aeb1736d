#ifndef CEACP_LINUX_H
#define CEACP_LINUX_H

// Linux interfaces that Swift's Glibc module does not export: epoll, eventfd, accept4, and mallinfo2
// for measuring the heap.
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// accept4 is declared only under _GNU_SOURCE, which this header must not force on every importer.
int ceacp_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

#endif
