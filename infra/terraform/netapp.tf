# Agent memory on NFS: the integrations pool mounts the volume and takes each agent checkpoint as a NetApp snapshot
# (read back through the visible .snapshot directory). A schedule adds hourly and daily snapshots, and the volume is
# replicated to the secondary region, where the replica is read-only until a failover breaks the replication.
resource "azurerm_netapp_account" "main" {
  name                = "${local.name}-anf"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_netapp_pool" "main" {
  name                = "${local.name}-pool"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  account_name        = azurerm_netapp_account.main.name
  service_level       = var.netapp_service_level
  size_in_tb          = var.netapp_pool_size_in_tb
  tags                = local.tags
}

resource "azurerm_netapp_snapshot_policy" "agent_memory" {
  name                = "${local.name}-agent-memory"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  account_name        = azurerm_netapp_account.main.name
  enabled             = true
  tags                = local.tags

  hourly_schedule {
    snapshots_to_keep = 24
    minute            = 5
  }

  daily_schedule {
    snapshots_to_keep = 14
    hour              = 1
    minute            = 15
  }
}

resource "azurerm_netapp_volume" "agent_memory" {
  name                       = "${local.name}-agent-memory"
  location                   = azurerm_resource_group.main.location
  resource_group_name        = azurerm_resource_group.main.name
  account_name               = azurerm_netapp_account.main.name
  pool_name                  = azurerm_netapp_pool.main.name
  volume_path                = "${local.name}-agent-memory"
  service_level              = var.netapp_service_level
  subnet_id                  = azurerm_subnet.netapp.id
  network_features           = "Standard"
  protocols                  = ["NFSv4.1"]
  security_style             = "unix"
  storage_quota_in_gb        = var.agent_memory_quota_gb
  snapshot_directory_visible = true
  tags                       = local.tags

  export_policy_rule {
    rule_index          = 1
    allowed_clients     = azurerm_subnet.aks.address_prefixes
    protocols_enabled   = ["NFSv4.1"]
    unix_read_only      = false
    unix_read_write     = true
    root_access_enabled = false
  }

  data_protection_snapshot_policy {
    snapshot_policy_id = azurerm_netapp_snapshot_policy.agent_memory.id
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "azurerm_netapp_account" "secondary" {
  name                = "${local.name}-anf-dr"
  location            = var.secondary_location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_netapp_pool" "secondary" {
  name                = "${local.name}-pool-dr"
  location            = var.secondary_location
  resource_group_name = azurerm_resource_group.main.name
  account_name        = azurerm_netapp_account.secondary.name
  service_level       = var.netapp_service_level
  size_in_tb          = var.netapp_pool_size_in_tb
  tags                = local.tags
}

resource "azurerm_netapp_volume" "agent_memory_replica" {
  name                       = "${local.name}-agent-memory-dr"
  location                   = var.secondary_location
  resource_group_name        = azurerm_resource_group.main.name
  account_name               = azurerm_netapp_account.secondary.name
  pool_name                  = azurerm_netapp_pool.secondary.name
  volume_path                = "${local.name}-agent-memory-dr"
  service_level              = var.netapp_service_level
  subnet_id                  = azurerm_subnet.netapp_secondary.id
  network_features           = "Standard"
  protocols                  = ["NFSv4.1"]
  security_style             = "unix"
  storage_quota_in_gb        = var.agent_memory_quota_gb
  snapshot_directory_visible = true
  tags                       = local.tags

  export_policy_rule {
    rule_index          = 1
    allowed_clients     = [var.secondary_vnet_address_space]
    protocols_enabled   = ["NFSv4.1"]
    unix_read_only      = false
    unix_read_write     = true
    root_access_enabled = false
  }

  # The destination of cross-region replication carries no snapshot policy of its own: it receives the source's.
  data_protection_replication {
    endpoint_type             = "dst"
    remote_volume_location    = azurerm_netapp_volume.agent_memory.location
    remote_volume_resource_id = azurerm_netapp_volume.agent_memory.id
    replication_frequency     = "10minutes"
  }

  lifecycle {
    prevent_destroy = true
  }
}
