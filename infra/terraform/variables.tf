variable "subscription_id" {
  description = "Azure subscription that holds the ANTS environment."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every resource name, e.g. ants-prod. Several names are global DNS labels, so it must be unique to this deployment."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,17}$", var.name_prefix))
    error_message = "name_prefix must be 3-18 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "location" {
  description = "Primary Azure region."
  type        = string
  default     = "westeurope"
}

variable "secondary_location" {
  description = "Region of the replicated agent-memory volume; must be a NetApp cross-region replication pair of location."
  type        = string
  default     = "northeurope"
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}

variable "tenants" {
  description = "Tenant ids; each gets its own pair of Event Hubs consumer groups on the pheromone hub."
  type        = list(string)

  validation {
    condition     = alltrue([for t in var.tenants : can(regex("^[a-z0-9][a-z0-9._-]{0,49}$", t))])
    error_message = "Each tenant must be 1-50 lowercase letters, digits, dots, underscores or hyphens."
  }
}

variable "vnet_address_space" {
  description = "Address space of the primary virtual network (AKS nodes, NetApp, PostgreSQL)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "secondary_vnet_address_space" {
  description = "Address space of the secondary region's virtual network (replicated NetApp volume)."
  type        = string
  default     = "10.41.0.0/16"
}

variable "eventhubs_sku" {
  description = "Event Hubs namespace tier. Standard allows 20 consumer groups per hub (8 tenants); Premium allows 100."
  type        = string
  default     = "Standard"

  validation {
    condition     = contains(["Standard", "Premium"], var.eventhubs_sku)
    error_message = "eventhubs_sku must be Standard or Premium (Basic has no consumer groups of its own)."
  }
}

variable "eventhubs_capacity" {
  description = "Throughput units (Standard) or processing units (Premium) of the Event Hubs namespace."
  type        = number
  default     = 2
}

variable "servicebus_sku" {
  description = "Service Bus namespace tier; sessions and topics need Standard or Premium."
  type        = string
  default     = "Standard"

  validation {
    condition     = contains(["Standard", "Premium"], var.servicebus_sku)
    error_message = "servicebus_sku must be Standard or Premium: Basic has no sessions."
  }
}

variable "task_lock_duration" {
  description = "Peek-lock duration of ants-tasks and ants-integrations messages (ISO 8601); the consumer renews it while it works."
  type        = string
  default     = "PT1M"
}

variable "task_message_ttl" {
  description = "Default time to live of ants-tasks and ants-integrations messages (ISO 8601); expired ones are dead-lettered."
  type        = string
  default     = "P1D"
}

variable "backlog_alert_threshold" {
  description = "Active messages on a queue above which the backlog alert fires."
  type        = number
  default     = 1000
}

variable "alert_email" {
  description = "Where alerts are e-mailed; empty for no e-mail receiver."
  type        = string
  default     = ""
}

variable "netapp_pool_size_in_tb" {
  description = "Size of each NetApp capacity pool in TiB."
  type        = number
  default     = 2
}

variable "netapp_service_level" {
  description = "NetApp service level of the agent-memory pools."
  type        = string
  default     = "Premium"
}

variable "agent_memory_quota_gb" {
  description = "Quota of the agent-memory volume in GiB."
  type        = number
  default     = 500
}

variable "openai_chat_model" {
  description = "Chat model deployed on Azure OpenAI."
  type = object({
    name     = string
    version  = string
    sku      = string
    capacity = number
  })
  default = {
    name     = "gpt-4o-mini"
    version  = "2024-07-18"
    sku      = "GlobalStandard"
    capacity = 50
  }
}

variable "openai_embedding_model" {
  description = "Embedding model deployed on Azure OpenAI; the memory pool's vectors have its dimensions."
  type = object({
    name     = string
    version  = string
    sku      = string
    capacity = number
  })
  default = {
    name     = "text-embedding-3-small"
    version  = "1"
    sku      = "Standard"
    capacity = 120
  }
}

variable "postgres_sku" {
  description = "PostgreSQL Flexible Server compute SKU."
  type        = string
  default     = "GP_Standard_D2ds_v5"
}

variable "postgres_storage_mb" {
  description = "PostgreSQL storage in MiB."
  type        = number
  default     = 65536
}

variable "postgres_admin_login" {
  description = "PostgreSQL administrator login; its password is generated and kept in Terraform state only."
  type        = string
  default     = "antsadmin"
}

variable "kubernetes_version" {
  description = "AKS Kubernetes version. The KEDA add-on's version follows it (AKS component versions table), and the temporal scaler the pools scale on needs KEDA 2.17+."
  type        = string
  default     = "1.33"
}

variable "aks_node_vm_size" {
  description = "VM size of the AKS system/user node pool."
  type        = string
  default     = "Standard_D4ds_v5"
}

variable "aks_node_min_count" {
  description = "Minimum nodes of the cluster autoscaler."
  type        = number
  default     = 2
}

variable "aks_node_max_count" {
  description = "Maximum nodes of the cluster autoscaler."
  type        = number
  default     = 10
}

variable "k8s_namespace" {
  description = "Kubernetes namespace ANTS runs in (infra/k8s/base/namespace.yaml)."
  type        = string
  default     = "ants"
}

variable "k8s_service_account" {
  description = "Kubernetes service account of the ANTS pods (infra/k8s/base/service-account.yaml)."
  type        = string
  default     = "ants"
}
