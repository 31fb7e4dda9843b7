/* sfbnet — plan, generate and prove the network of a Skype for Business
 * deployment.  The one header to include. */
#ifndef SFBNET_SFBNET_H
#define SFBNET_SFBNET_H

#include "sfbnet/status.h"
#include "sfbnet/context.h"
#include "sfbnet/catalog.h"
#include "sfbnet/topology.h"
#include "sfbnet/plan.h"
#include "sfbnet/dns.h"
#include "sfbnet/pki.h"
#include "sfbnet/lint.h"
#include "sfbnet/pathtest.h"
#include "sfbnet/twin.h"
#include "sfbnet/report.h"

#endif
