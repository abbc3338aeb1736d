#include "CEACPOpenSSL.h"

const uint64_t CEACP_SSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
const uint64_t CEACP_SSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
const uint64_t CEACP_SSL_OP_ALLOW_CLIENT_RENEGOTIATION = SSL_OP_ALLOW_CLIENT_RENEGOTIATION;
const uint64_t CEACP_SSL_OP_NO_TICKET = SSL_OP_NO_TICKET;
const uint64_t CEACP_SSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
const unsigned long CEACP_XN_FLAG_RFC2253 = XN_FLAG_RFC2253;

int ceacp_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

int ceacp_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

long ceacp_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }

long ceacp_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

int ceacp_SSL_CTX_set1_groups_list(SSL_CTX *ctx, const char *groups) {
    return (int)SSL_CTX_set1_groups_list(ctx, groups);
}

int ceacp_SSL_CTX_add1_chain_cert(SSL_CTX *ctx, X509 *certificate) {
    return (int)SSL_CTX_add1_chain_cert(ctx, certificate);
}

int ceacp_SSL_set_tlsext_host_name(SSL *ssl, const char *name) { return (int)SSL_set_tlsext_host_name(ssl, name); }

long ceacp_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

int ceacp_BIO_set_mem_eof_return(BIO *bio, int value) { return (int)BIO_set_mem_eof_return(bio, value); }

size_t ceacp_BIO_mem_capacity(BIO *bio) {
    BUF_MEM *memory = NULL;
    if (BIO_get_mem_ptr(bio, &memory) <= 0 || memory == NULL) return 0;
    return memory->max;
}

void ceacp_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

int ceacp_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) { return sk_GENERAL_NAME_num(names); }

const GENERAL_NAME *ceacp_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}
