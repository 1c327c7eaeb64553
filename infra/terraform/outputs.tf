output "resource_group_name" {
  description = "Resource group of the environment (for az aks get-credentials)."
  value       = azurerm_resource_group.main.name
}

output "aks_cluster_name" {
  description = "AKS cluster name (for az aks get-credentials)."
  value       = azurerm_kubernetes_cluster.main.name
}

output "aks_oidc_issuer_url" {
  description = "OIDC issuer of the cluster, trusted by the workload identity's federated credential."
  value       = azurerm_kubernetes_cluster.main.oidc_issuer_url
}

output "workload_identity_client_id" {
  description = "Client id of the ANTS workload identity: the service account's azure.workload.identity/client-id annotation and AZURE_CLIENT_ID."
  value       = azurerm_user_assigned_identity.ants.client_id
}

output "azure_tenant_id" {
  description = "Microsoft Entra tenant of the subscription (AZURE_TENANT_ID; the workload identity webhook also injects it)."
  value       = data.azurerm_client_config.current.tenant_id
}

output "eventhubs_namespace_fqdn" {
  description = "Event Hubs namespace host name (ANTS_EVENTHUBS_NAMESPACE)."
  value       = "${azurerm_eventhub_namespace.main.name}.servicebus.windows.net"
}

output "eventhubs_pheromone_hub" {
  description = "Event hub carrying pheromone announcements (ANTS_EVENTHUBS_HUB)."
  value       = azurerm_eventhub.pheromones.name
}

output "eventhubs_checkpoint_url" {
  description = "Blob container of the pheromone readers' checkpoints (ANTS_EVENTHUBS_CHECKPOINT_URL)."
  value       = "${azurerm_storage_account.checkpoints.primary_blob_endpoint}${azurerm_storage_container.checkpoints.name}"
}

output "eventhubs_consumer_groups" {
  description = "Consumer groups on the pheromone hub (\"<tenant>/notices\" or \"<tenant>/cache\", \"*\" for the whole field => group name)."
  value       = { for key, group in azurerm_eventhub_consumer_group.pheromones : key => group.name }
}

output "servicebus_namespace_fqdn" {
  description = "Service Bus namespace host name (ANTS_SERVICEBUS_NAMESPACE)."
  value       = "${azurerm_servicebus_namespace.main.name}.servicebus.windows.net"
}

output "servicebus_queues" {
  description = "Service Bus queue names: task submissions and capability requests (sessions), outcomes, and the result bridge's reminders."
  value = {
    tasks         = azurerm_servicebus_queue.tasks.name
    integrations  = azurerm_servicebus_queue.integrations.name
    results       = azurerm_servicebus_queue.results.name
    results_watch = azurerm_servicebus_queue.results_watch.name
  }
}

output "cosmos_endpoint" {
  description = "Cosmos DB account endpoint (ANTS_COSMOS_ENDPOINT)."
  value       = azurerm_cosmosdb_account.main.endpoint
}

output "cosmos_database" {
  description = "Cosmos DB SQL database of the swarm state (ANTS_COSMOS_DATABASE)."
  value       = azurerm_cosmosdb_sql_database.ants.name
}

output "cosmos_container" {
  description = "Cosmos DB container of the swarm state (ANTS_COSMOS_CONTAINER)."
  value       = azurerm_cosmosdb_sql_container.swarm.name
}

output "openai_endpoint" {
  description = "Azure OpenAI endpoint (AZURE_OPENAI_ENDPOINT for the model router, ANTS_EMBEDDING_BASE_URL for the memory pool)."
  value       = azurerm_cognitive_account.openai.endpoint
}

output "openai_chat_deployment" {
  description = "Azure OpenAI chat deployment name (the deployment of the model registry's Azure entry)."
  value       = azurerm_cognitive_deployment.chat.name
}

output "openai_embedding_deployment" {
  description = "Azure OpenAI embeddings deployment name (ANTS_EMBEDDING_AZURE_DEPLOYMENT)."
  value       = azurerm_cognitive_deployment.embedding.name
}

output "postgres_fqdn" {
  description = "PostgreSQL Flexible Server host name (the host of DATABASE_URL)."
  value       = azurerm_postgresql_flexible_server.main.fqdn
}

output "postgres_subnet_cidr" {
  description = "Address range of the PostgreSQL subnet, allowed by the tools pool's egress policy."
  value       = one(azurerm_subnet.postgres.address_prefixes)
}

output "database_url" {
  description = "DATABASE_URL for the ants-secrets Secret (contains the generated administrator password)."
  value       = "postgres://${var.postgres_admin_login}:${random_password.postgres_admin.result}@${azurerm_postgresql_flexible_server.main.fqdn}:5432/${azurerm_postgresql_flexible_server_database.ants.name}?sslmode=require"
  sensitive   = true
}

output "subscription_id" {
  description = "Subscription of the environment (ANTS_NETAPP_SUBSCRIPTION_ID)."
  value       = var.subscription_id
}

output "netapp_names" {
  description = "NetApp account, capacity pool and volume of agent memory (ANTS_NETAPP_ACCOUNT, ANTS_NETAPP_POOL, ANTS_NETAPP_VOLUME; ANTS_NETAPP_RESOURCE_GROUP is resource_group_name)."
  value = {
    account = azurerm_netapp_account.main.name
    pool    = azurerm_netapp_pool.main.name
    volume  = azurerm_netapp_volume.agent_memory.name
  }
}

output "agent_memory_nfs_server" {
  description = "NFS server address of the agent-memory volume (the PersistentVolume's nfs.server)."
  value       = one(azurerm_netapp_volume.agent_memory.mount_ip_addresses)
}

output "agent_memory_nfs_path" {
  description = "NFS export path of the agent-memory volume (the PersistentVolume's nfs.path)."
  value       = "/${azurerm_netapp_volume.agent_memory.volume_path}"
}

output "agent_memory_replica_id" {
  description = "Resource id of the replicated agent-memory volume in the secondary region (the failover target)."
  value       = azurerm_netapp_volume.agent_memory_replica.id
}
