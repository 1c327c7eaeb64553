locals {
  name = var.name_prefix
  # Names that become DNS labels or storage-style names cannot carry every character the prefix may.
  compact_name = replace(var.name_prefix, "-", "")
  tags         = merge({ app = "ants" }, var.tags)
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "main" {
  name     = "${local.name}-rg"
  location = var.location
  tags     = local.tags
}

# The primary network: AKS nodes, the NetApp volume and PostgreSQL share it, so agent memory and the database
# are reached privately and the tools pool's network policy can name their ranges.
resource "azurerm_virtual_network" "main" {
  name                = "${local.name}-vnet"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  address_space       = [var.vnet_address_space]
  tags                = local.tags
}

resource "azurerm_subnet" "aks" {
  name                 = "aks-nodes"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.vnet_address_space, 4, 0)]
}

resource "azurerm_subnet" "netapp" {
  name                 = "netapp"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.vnet_address_space, 8, 16)]

  delegation {
    name = "netapp"

    service_delegation {
      name    = "Microsoft.Netapp/volumes"
      actions = ["Microsoft.Network/networkinterfaces/*", "Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_subnet" "postgres" {
  name                 = "postgres"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.vnet_address_space, 8, 17)]

  delegation {
    name = "postgres"

    service_delegation {
      name    = "Microsoft.DBforPostgreSQL/flexibleServers"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

# The secondary region only receives the replicated agent-memory volume.
resource "azurerm_virtual_network" "secondary" {
  name                = "${local.name}-vnet-dr"
  location            = var.secondary_location
  resource_group_name = azurerm_resource_group.main.name
  address_space       = [var.secondary_vnet_address_space]
  tags                = local.tags
}

resource "azurerm_subnet" "netapp_secondary" {
  name                 = "netapp"
  resource_group_name  = azurerm_resource_group.main.name
  virtual_network_name = azurerm_virtual_network.secondary.name
  address_prefixes     = [cidrsubnet(var.secondary_vnet_address_space, 8, 16)]

  delegation {
    name = "netapp"

    service_delegation {
      name    = "Microsoft.Netapp/volumes"
      actions = ["Microsoft.Network/networkinterfaces/*", "Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}
