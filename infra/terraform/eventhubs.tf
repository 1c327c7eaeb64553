# Pheromone trails are announced on one hub. Readers use consumer groups named as the Event Hubs adapter names them
# (activities/swarm/event-hubs/consumer-groups.ts), which does not create them: per tenant one for notices
# (exclusive readers with checkpoints) and one for the cache (every worker reads everything), plus the same pair for
# processes that follow the whole field.
locals {
  pheromone_group_name = "^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$"
  tenant_pheromone_group = {
    for tenant in var.tenants : tenant => (
      can(regex(local.pheromone_group_name, "ants-${tenant}-cache")) ? "ants-${tenant}" : "ants-${substr(sha256(tenant), 0, 24)}"
    )
  }
  pheromone_consumer_groups = merge(
    { for tenant, group in local.tenant_pheromone_group : "${tenant}/notices" => group },
    { for tenant, group in local.tenant_pheromone_group : "${tenant}/cache" => "${group}-cache" },
    { "*/notices" = "ants.field", "*/cache" = "ants.field-cache" },
  )
}

resource "azurerm_eventhub_namespace" "main" {
  name                         = "${local.name}-evhns"
  location                     = azurerm_resource_group.main.location
  resource_group_name          = azurerm_resource_group.main.name
  sku                          = var.eventhubs_sku
  capacity                     = var.eventhubs_capacity
  minimum_tls_version          = "1.2"
  local_authentication_enabled = false
  tags                         = local.tags
}

resource "azurerm_eventhub" "pheromones" {
  name                = "ants-pheromones"
  namespace_name      = azurerm_eventhub_namespace.main.name
  resource_group_name = azurerm_resource_group.main.name
  # Partitions cannot be added later on Standard; 32 is the Standard maximum and bounds reader parallelism.
  partition_count = 32
  # A restarted worker rebuilds its pheromone cache from the hub: retention must cover the longest trail TTL (7 days).
  message_retention = 7

  lifecycle {
    precondition {
      condition     = var.eventhubs_sku == "Premium" || length(local.pheromone_consumer_groups) < 20
      error_message = "Standard Event Hubs allow 20 consumer groups per hub ($Default is one) and each tenant needs two: use eventhubs_sku = \"Premium\" for more than 8 tenants."
    }
  }
}

resource "azurerm_eventhub_consumer_group" "pheromones" {
  for_each = local.pheromone_consumer_groups

  name                = each.value
  namespace_name      = azurerm_eventhub_namespace.main.name
  eventhub_name       = azurerm_eventhub.pheromones.name
  resource_group_name = azurerm_resource_group.main.name
  user_metadata       = "pheromone reader ${each.key}"
}

# Checkpoints and partition ownership of the notice readers, reached with the workload identity (no account keys).
resource "azurerm_storage_account" "checkpoints" {
  name                            = "${substr(local.compact_name, 0, 18)}ckpt"
  location                        = azurerm_resource_group.main.location
  resource_group_name             = azurerm_resource_group.main.name
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  min_tls_version                 = "TLS1_2"
  shared_access_key_enabled       = false
  allow_nested_items_to_be_public = false
  tags                            = local.tags
}

resource "azurerm_storage_container" "checkpoints" {
  name                  = "pheromone-checkpoints"
  storage_account_id    = azurerm_storage_account.checkpoints.id
  container_access_type = "private"
}
