namespace RemotePoll.Mail.Delivery;

/// <summary>
/// Direct storage in a local account's mailboxes, no rules applied: the RPOP Mailbox field and RIMAP
/// mirroring (spec, RPOP "Mailbox"; RIMAP "Name" is the root folder of the mirrored tree). Implementations
/// are safe to call concurrently. Accounts are <c>user@domain</c>.
/// </summary>
public interface IMailboxStore
{
    /// <summary>Creates the folder, and every missing ancestor, if it does not exist.</summary>
    /// <returns>True when the folder already existed.</returns>
    /// <exception cref="ArgumentException">The account or the folder name cannot be held by this store.</exception>
    /// <exception cref="DeliveryUnavailableException">The store could not be reached or refused.</exception>
    Task<bool> EnsureFolderAsync(string account, MailboxPath folder, CancellationToken cancellationToken);

    /// <exception cref="ArgumentException">The account or the folder name cannot be held by this store.</exception>
    /// <exception cref="DeliveryUnavailableException">The store could not be reached or refused.</exception>
    Task<bool> FolderExistsAsync(string account, MailboxPath folder, CancellationToken cancellationToken);

    /// <summary>Every folder of the account, INBOX included once the account's store exists.</summary>
    /// <exception cref="DeliveryUnavailableException">The store could not be reached or refused.</exception>
    Task<IReadOnlyList<MailboxPath>> ListFoldersAsync(string account, CancellationToken cancellationToken);

    /// <summary>
    /// Counts the copies a RIMAP mirror made in the folder (their first header field is <see cref="MirrorStamp"/>'s) and
    /// the other messages. A missing folder has none of either.
    /// </summary>
    /// <exception cref="ArgumentException">The account or the folder name cannot be held by this store.</exception>
    /// <exception cref="DeliveryUnavailableException">The store could not be reached or refused.</exception>
    /// <exception cref="NotSupportedException">The store cannot tell (the default, for stores written before this method).</exception>
    Task<FolderMessages> CountMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot tell a mirror's copies from other messages");

    /// <summary>
    /// Removes the copies a RIMAP mirror made from the folder (first header field <see cref="MirrorStamp"/>'s), durably,
    /// and nothing else: mail the user filed there, or another record delivered there, stays. RIMAP uses it to refill a
    /// mirrored folder (UIDVALIDITY changed, state lost) without leaving duplicates. A missing folder has nothing to remove.
    /// </summary>
    /// <returns>How many copies were removed (<see cref="FolderMessages.MirrorCopies"/>) and how many other messages stay.</returns>
    /// <exception cref="ArgumentException">The account or the folder name cannot be held by this store.</exception>
    /// <exception cref="DeliveryUnavailableException">The store could not be reached or refused.</exception>
    /// <exception cref="NotSupportedException">The store cannot remove messages (the default, for stores written before this method).</exception>
    Task<FolderMessages> RemoveMirrorCopiesAsync(string account, MailboxPath folder, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot remove messages from a folder");

    /// <summary>
    /// Makes the mirror's copies in the folder follow their remote folder (RIMAP Sync Flags): a copy stamped
    /// (<see cref="MirrorStamp"/>) with <see cref="MirrorChanges.UidValidity"/> and a UID the server said gone is removed; one
    /// with a UID in <see cref="MirrorChanges.Flags"/> gets those flags. Copies of another UIDVALIDITY and mail the mirror did not
    /// copy are never touched. Durable when it returns. A missing folder has nothing to change.
    /// </summary>
    /// <exception cref="ArgumentException">The account or the folder name cannot be held by this store.</exception>
    /// <exception cref="DeliveryUnavailableException">The store could not be reached or refused.</exception>
    /// <exception cref="NotSupportedException">The store cannot change stored messages (the default, for stores written before this method).</exception>
    Task<MirrorSyncResult> ApplyMirrorChangesAsync(string account, MailboxPath folder, MirrorChanges changes, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{GetType().Name} cannot change the flags of stored messages");

    /// <summary>
    /// Stores a batch in an existing folder and reports one outcome per message, in batch order. A message is
    /// <see cref="DeliveryStatus.Delivered"/> only once it is durable. A missing folder or an unreachable store
    /// yields <see cref="DeliveryStatus.TemporaryFailure"/> outcomes, not exceptions.
    /// </summary>
    /// <exception cref="ArgumentException">The account or the folder name cannot be held by this store.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<IReadOnlyList<DeliveryOutcome>> AppendBatchAsync(
        string account, MailboxPath folder, IReadOnlyList<MessageToStore> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Which of the delivery ids (<see cref="DeliveryStamp"/>) are stamped on a message in the folder: after a crash,
    /// an RPOP poll asks before delivering a message again. Null when this store cannot tell (the default).
    /// </summary>
    /// <exception cref="ArgumentException">The account or the folder name cannot be held by this store.</exception>
    /// <exception cref="DeliveryUnavailableException">The store could not be reached or refused.</exception>
    Task<IReadOnlySet<string>?> FindStampedAsync(string account, MailboxPath folder, IReadOnlyCollection<string> ids, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>?>(null);
}
