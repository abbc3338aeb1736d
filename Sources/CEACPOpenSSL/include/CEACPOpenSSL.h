#ifndef CEACP_OPENSSL_H
#define CEACP_OPENSSL_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#endif
