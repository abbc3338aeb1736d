#ifndef CEACP_OPENSSL_H
#define CEACP_OPENSSL_H

// Functions for the OpenSSL 3.0 calls that Swift cannot import: macros and stack accessors. Each
// ceacp_NAME forwards to the macro NAME and returns what it returns; ceacp_BIO_mem_capacity is the
// one exception, documented below.

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdint.h>

// SSL_OP_* and XN_FLAG_* are built from casts and shifts that Swift does not import.
extern const uint64_t CEACP_SSL_OP_NO_COMPRESSION;
extern const uint64_t CEACP_SSL_OP_NO_RENEGOTIATION;
extern const uint64_t CEACP_SSL_OP_ALLOW_CLIENT_RENEGOTIATION;
extern const uint64_t CEACP_SSL_OP_NO_TICKET;
extern const uint64_t CEACP_SSL_OP_CIPHER_SERVER_PREFERENCE;
extern const unsigned long CEACP_XN_FLAG_RFC2253;

// SSL_CTX settings.
int ceacp_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int ceacp_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long ceacp_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long ceacp_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);
int ceacp_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *groups);
int ceacp_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *certificate);

// SSL settings.
int ceacp_SSL_set_tlsext_host_name(SSL *ssl, const char *name);

// Memory BIOs.
long ceacp_BIO_get_mem_data(BIO *bio, char **data);
int ceacp_BIO_set_mem_eof_return(BIO *bio, int value);
// The bytes allocated behind a read-write memory BIO, which grow but never shrink while it lives.
size_t ceacp_BIO_mem_capacity(BIO *bio);

// OPENSSL_free takes the caller's file and line through a macro.
void ceacp_OPENSSL_free(void *pointer);

// STACK_OF(GENERAL_NAME) accessors are macros over type-checking inline functions.
int ceacp_sk_GENERAL_NAME_num(const GENERAL_NAMES *names);
const GENERAL_NAME *ceacp_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index);

#endif
