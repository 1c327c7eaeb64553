# Session consistency is enough account-wide: the award path does not rely on strong reads but on optimistic
# concurrency (a create, or a replace conditioned on the document's _etag), which the write region checks at any
# consistency level. That needs a single write region, so the secondary region is a failover read replica only.
resource "azurerm_cosmosdb_account" "main" {
  name                          = "${local.name}-cosmos"
  location                      = azurerm_resource_group.main.location
  resource_group_name           = azurerm_resource_group.main.name
  offer_type                    = "Standard"
  kind                          = "GlobalDocumentDB"
  local_authentication_disabled = true
  automatic_failover_enabled    = true
  tags                          = local.tags

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = var.location
    failover_priority = 0
  }

  geo_location {
    location          = var.secondary_location
    failover_priority = 1
  }
}

resource "azurerm_cosmosdb_sql_database" "ants" {
  name                = "ants"
  resource_group_name = azurerm_resource_group.main.name
  account_name        = azurerm_cosmosdb_account.main.name

  autoscale_settings {
    max_throughput = 4000
  }
}

# One container for agents, awards and slots, told apart by their kind (activities/swarm/cosmos/state.ts): Cosmos
# DB writes atomically only within one logical partition of one container, and an award must create the award and
# take the agent's slot together. Partitioned by /tenant, so that boundary is also the tenant's.
resource "azurerm_cosmosdb_sql_container" "swarm" {
  name                  = "swarm"
  resource_group_name   = azurerm_resource_group.main.name
  account_name          = azurerm_cosmosdb_account.main.name
  database_name         = azurerm_cosmosdb_sql_database.ants.name
  partition_key_paths   = ["/tenant"]
  partition_key_version = 2
}
