#include "CEACPOpenSSL.h"
