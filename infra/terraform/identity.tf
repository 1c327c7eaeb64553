# One identity for the ANTS pods, bound to their Kubernetes service account by a federated credential.
resource "azurerm_user_assigned_identity" "ants" {
  name                = "${local.name}-workload"
  location            = azurerm_resource_group.main.location
  resource_group_name = azurerm_resource_group.main.name
  tags                = local.tags
}

resource "azurerm_federated_identity_credential" "ants" {
  name                = "${local.name}-k8s-${var.k8s_namespace}-${var.k8s_service_account}"
  resource_group_name = azurerm_resource_group.main.name
  parent_id           = azurerm_user_assigned_identity.ants.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = azurerm_kubernetes_cluster.main.oidc_issuer_url
  subject             = "system:serviceaccount:${var.k8s_namespace}:${var.k8s_service_account}"
}

locals {
  # Data-plane roles where a service has them: Terraform creates the hubs, queues, consumer groups and containers,
  # so the pods never need the Owner roles that could change or delete them.
  workload_roles = {
    eventhubs_sender   = { scope = azurerm_eventhub_namespace.main.id, role = "Azure Event Hubs Data Sender" }
    eventhubs_receiver = { scope = azurerm_eventhub_namespace.main.id, role = "Azure Event Hubs Data Receiver" }
    servicebus_sender  = { scope = azurerm_servicebus_namespace.main.id, role = "Azure Service Bus Data Sender" }
    servicebus_reader  = { scope = azurerm_servicebus_namespace.main.id, role = "Azure Service Bus Data Receiver" }
    openai_user        = { scope = azurerm_cognitive_account.openai.id, role = "Cognitive Services OpenAI User" }
    checkpoints        = { scope = azurerm_storage_container.checkpoints.id, role = "Storage Blob Data Contributor" }
    # Agent checkpoints are NetApp snapshots taken through the management API, scoped to the one account.
    netapp_snapshots = { scope = azurerm_netapp_account.main.id, role = "Contributor" }
  }
}

resource "azurerm_role_assignment" "ants" {
  for_each = local.workload_roles

  scope                = each.value.scope
  role_definition_name = each.value.role
  principal_id         = azurerm_user_assigned_identity.ants.principal_id
  principal_type       = "ServicePrincipal"
}

# Cosmos DB's data plane has its own RBAC; 00000000-0000-0000-0000-000000000002 is the built-in Data Contributor.
resource "azurerm_cosmosdb_sql_role_assignment" "ants" {
  resource_group_name = azurerm_resource_group.main.name
  account_name        = azurerm_cosmosdb_account.main.name
  role_definition_id  = "${azurerm_cosmosdb_account.main.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002"
  principal_id        = azurerm_user_assigned_identity.ants.principal_id
  scope               = azurerm_cosmosdb_account.main.id
}
