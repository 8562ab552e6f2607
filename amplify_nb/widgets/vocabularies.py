"""The shipped vocabularies: every label and message of the widgets, in English, French and German.

Keys are the English texts (Amplify's convention), including Cognito's most common error messages, so
that an error shown inline reads in the user's language too. ``LABELS`` lists every key the widgets use;
the tests check that each language covers all of them.
"""

from __future__ import annotations

LABELS: tuple[str, ...] = (
    # sign in
    "Sign in to your account", "Email", "Phone Number", "Username", "Email or Phone Number", "Password",
    "Enter your Password", "Sign In", "Forgot your password?", "Create Account", "Sign In with Google",
    "Sign In with Facebook", "Sign In with Amazon", "Sign In with {provider}", "or",
    # challenges
    "Confirm SMS Code", "Confirm TOTP Code", "Confirm Email Code", "Confirm Sign In", "Code", "Enter your code",
    "Confirm", "Back to Sign In", "Enter the code from your authenticator app", "Select MFA Type", "Continue",
    "SMS", "Authenticator App (TOTP)", "No MFA", "Setup TOTP",
    "Scan this QR code with your authenticator app, or enter the key below", "Change Password", "New password",
    "Enter your new password", "Confirm Password", "Please confirm your Password", "Custom Challenge", "Answer",
    "Enter your answer",
    # attributes
    "Name", "Given Name", "Family Name", "Middle Name", "Nickname", "Preferred Username", "Birthdate", "Address",
    "Gender", "Locale", "Picture", "Profile", "Website", "Zone Info",
    # sign up, reset, verify, signed in
    "Confirm Sign Up", "Confirmation Code", "Resend Code", "Reset Password", "Send code", "Submit",
    "Account recovery requires verified contact information", "Verify", "Skip", "Hello, {name}", "Hello",
    "Not signed in", "Sign Out", "Verify Security Token", "Success! Your MFA Type is now: {mfa_type}",
    "TOTP has been set up successfully",
    # notices
    "We emailed you a code at {destination}", "We texted you a code at {destination}", "Account created; sign in",
    "Account confirmed; sign in", "Password changed; sign in", "Your password must be reset before you sign in",
    # errors
    "Your passwords must match", "Something went wrong; please try again", "Incorrect username or password.",
    "User does not exist.", "User already exists", "User is disabled.", "User is not confirmed.",
    "Invalid verification code provided, please try again.", "Invalid code provided, please request a code again.",
    "Attempt limit exceeded, please try after some time.", "Invalid session for the user, session is expired.",
    "An account with the given email already exists.", "username is empty", "password is empty", "code is empty",
    "new_password is empty", "answer is empty", "code must be letters and digits only",
)

FR: dict[str, str] = {
    "Sign in to your account": "Connectez-vous à votre compte", "Email": "E-mail",
    "Phone Number": "Numéro de téléphone", "Username": "Nom d'utilisateur",
    "Email or Phone Number": "E-mail ou numéro de téléphone", "Password": "Mot de passe",
    "Enter your Password": "Saisissez votre mot de passe", "Sign In": "Se connecter",
    "Forgot your password?": "Mot de passe oublié ?", "Create Account": "Créer un compte",
    "Sign In with Google": "Se connecter avec Google", "Sign In with Facebook": "Se connecter avec Facebook",
    "Sign In with Amazon": "Se connecter avec Amazon", "Sign In with {provider}": "Se connecter avec {provider}",
    "or": "ou",
    "Confirm SMS Code": "Confirmer le code SMS", "Confirm TOTP Code": "Confirmer le code TOTP",
    "Confirm Email Code": "Confirmer le code reçu par e-mail", "Confirm Sign In": "Confirmer la connexion",
    "Code": "Code", "Enter your code": "Saisissez votre code", "Confirm": "Confirmer",
    "Back to Sign In": "Retour à la connexion",
    "Enter the code from your authenticator app": "Saisissez le code de votre application d'authentification",
    "Select MFA Type": "Choisissez le type d'authentification multifacteur", "Continue": "Continuer",
    "SMS": "SMS", "Authenticator App (TOTP)": "Application d'authentification (TOTP)", "No MFA": "Sans MFA",
    "Setup TOTP": "Configurer le TOTP",
    "Scan this QR code with your authenticator app, or enter the key below":
        "Scannez ce code QR avec votre application d'authentification, ou saisissez la clé ci-dessous",
    "Change Password": "Modifier le mot de passe", "New password": "Nouveau mot de passe",
    "Enter your new password": "Saisissez votre nouveau mot de passe",
    "Confirm Password": "Confirmez le mot de passe", "Please confirm your Password": "Confirmez votre mot de passe",
    "Custom Challenge": "Défi personnalisé", "Answer": "Réponse", "Enter your answer": "Saisissez votre réponse",
    "Name": "Nom", "Given Name": "Prénom", "Family Name": "Nom de famille", "Middle Name": "Deuxième prénom",
    "Nickname": "Surnom", "Preferred Username": "Nom d'utilisateur préféré", "Birthdate": "Date de naissance",
    "Address": "Adresse", "Gender": "Genre", "Locale": "Langue", "Picture": "Photo", "Profile": "Profil",
    "Website": "Site web", "Zone Info": "Fuseau horaire",
    "Confirm Sign Up": "Confirmer l'inscription", "Confirmation Code": "Code de confirmation",
    "Resend Code": "Renvoyer le code", "Reset Password": "Réinitialiser le mot de passe",
    "Send code": "Envoyer le code", "Submit": "Valider",
    "Account recovery requires verified contact information":
        "La récupération du compte nécessite des coordonnées vérifiées",
    "Verify": "Vérifier", "Skip": "Passer", "Hello, {name}": "Bonjour, {name}", "Hello": "Bonjour",
    "Not signed in": "Non connecté", "Sign Out": "Se déconnecter", "Verify Security Token": "Vérifier le code",
    "Success! Your MFA Type is now: {mfa_type}": "C'est fait ! Votre type de MFA est désormais : {mfa_type}",
    "TOTP has been set up successfully": "Le TOTP est configuré",
    "We emailed you a code at {destination}": "Nous vous avons envoyé un code par e-mail à {destination}",
    "We texted you a code at {destination}": "Nous vous avons envoyé un code par SMS au {destination}",
    "Account created; sign in": "Compte créé ; connectez-vous",
    "Account confirmed; sign in": "Compte confirmé ; connectez-vous",
    "Password changed; sign in": "Mot de passe modifié ; connectez-vous",
    "Your password must be reset before you sign in":
        "Vous devez réinitialiser votre mot de passe avant de vous connecter",
    "Your passwords must match": "Les mots de passe doivent être identiques",
    "Something went wrong; please try again": "Une erreur s'est produite ; veuillez réessayer",
    "Incorrect username or password.": "Nom d'utilisateur ou mot de passe incorrect.",
    "User does not exist.": "L'utilisateur n'existe pas.", "User already exists": "L'utilisateur existe déjà",
    "User is disabled.": "L'utilisateur est désactivé.", "User is not confirmed.": "L'utilisateur n'est pas confirmé.",
    "Invalid verification code provided, please try again.": "Code de vérification non valide, veuillez réessayer.",
    "Invalid code provided, please request a code again.": "Code non valide, veuillez demander un nouveau code.",
    "Attempt limit exceeded, please try after some time.":
        "Nombre de tentatives dépassé, veuillez réessayer plus tard.",
    "Invalid session for the user, session is expired.": "La session a expiré ; recommencez la connexion.",
    "An account with the given email already exists.": "Un compte existe déjà avec cette adresse e-mail.",
    "username is empty": "Le nom d'utilisateur est vide", "password is empty": "Le mot de passe est vide",
    "code is empty": "Le code est vide", "new_password is empty": "Le nouveau mot de passe est vide",
    "answer is empty": "La réponse est vide",
    "code must be letters and digits only": "Le code ne doit contenir que des lettres et des chiffres",
}

DE: dict[str, str] = {
    "Sign in to your account": "Melden Sie sich bei Ihrem Konto an", "Email": "E-Mail",
    "Phone Number": "Telefonnummer", "Username": "Benutzername", "Email or Phone Number": "E-Mail oder Telefonnummer",
    "Password": "Passwort", "Enter your Password": "Geben Sie Ihr Passwort ein", "Sign In": "Anmelden",
    "Forgot your password?": "Passwort vergessen?", "Create Account": "Konto erstellen",
    "Sign In with Google": "Mit Google anmelden", "Sign In with Facebook": "Mit Facebook anmelden",
    "Sign In with Amazon": "Mit Amazon anmelden", "Sign In with {provider}": "Mit {provider} anmelden",
    "or": "oder",
    "Confirm SMS Code": "SMS-Code bestätigen", "Confirm TOTP Code": "TOTP-Code bestätigen",
    "Confirm Email Code": "E-Mail-Code bestätigen", "Confirm Sign In": "Anmeldung bestätigen", "Code": "Code",
    "Enter your code": "Geben Sie Ihren Code ein", "Confirm": "Bestätigen", "Back to Sign In": "Zurück zur Anmeldung",
    "Enter the code from your authenticator app": "Geben Sie den Code aus Ihrer Authenticator-App ein",
    "Select MFA Type": "MFA-Typ wählen", "Continue": "Weiter", "SMS": "SMS",
    "Authenticator App (TOTP)": "Authenticator-App (TOTP)", "No MFA": "Keine MFA", "Setup TOTP": "TOTP einrichten",
    "Scan this QR code with your authenticator app, or enter the key below":
        "Scannen Sie diesen QR-Code mit Ihrer Authenticator-App oder geben Sie den Schlüssel unten ein",
    "Change Password": "Passwort ändern", "New password": "Neues Passwort",
    "Enter your new password": "Geben Sie Ihr neues Passwort ein", "Confirm Password": "Passwort bestätigen",
    "Please confirm your Password": "Bitte bestätigen Sie Ihr Passwort", "Custom Challenge": "Sicherheitsabfrage",
    "Answer": "Antwort", "Enter your answer": "Geben Sie Ihre Antwort ein",
    "Name": "Name", "Given Name": "Vorname", "Family Name": "Nachname", "Middle Name": "Zweiter Vorname",
    "Nickname": "Spitzname", "Preferred Username": "Bevorzugter Benutzername", "Birthdate": "Geburtsdatum",
    "Address": "Adresse", "Gender": "Geschlecht", "Locale": "Sprache", "Picture": "Bild", "Profile": "Profil",
    "Website": "Website", "Zone Info": "Zeitzone",
    "Confirm Sign Up": "Registrierung bestätigen", "Confirmation Code": "Bestätigungscode",
    "Resend Code": "Code erneut senden", "Reset Password": "Passwort zurücksetzen", "Send code": "Code senden",
    "Submit": "Absenden",
    "Account recovery requires verified contact information":
        "Zur Kontowiederherstellung sind verifizierte Kontaktdaten erforderlich",
    "Verify": "Verifizieren", "Skip": "Überspringen", "Hello, {name}": "Hallo, {name}", "Hello": "Hallo",
    "Not signed in": "Nicht angemeldet", "Sign Out": "Abmelden", "Verify Security Token": "Code verifizieren",
    "Success! Your MFA Type is now: {mfa_type}": "Erledigt! Ihr MFA-Typ ist jetzt: {mfa_type}",
    "TOTP has been set up successfully": "TOTP wurde eingerichtet",
    "We emailed you a code at {destination}": "Wir haben Ihnen einen Code an {destination} gemailt",
    "We texted you a code at {destination}": "Wir haben Ihnen einen Code per SMS an {destination} gesendet",
    "Account created; sign in": "Konto erstellt; melden Sie sich an",
    "Account confirmed; sign in": "Konto bestätigt; melden Sie sich an",
    "Password changed; sign in": "Passwort geändert; melden Sie sich an",
    "Your password must be reset before you sign in": "Sie müssen Ihr Passwort vor der Anmeldung zurücksetzen",
    "Your passwords must match": "Die Passwörter müssen übereinstimmen",
    "Something went wrong; please try again": "Etwas ist schiefgelaufen; bitte versuchen Sie es erneut",
    "Incorrect username or password.": "Benutzername oder Passwort falsch.",
    "User does not exist.": "Der Benutzer existiert nicht.", "User already exists": "Der Benutzer existiert bereits",
    "User is disabled.": "Der Benutzer ist deaktiviert.", "User is not confirmed.": "Der Benutzer ist nicht bestätigt.",
    "Invalid verification code provided, please try again.": "Ungültiger Bestätigungscode, bitte erneut versuchen.",
    "Invalid code provided, please request a code again.": "Ungültiger Code, bitte fordern Sie einen neuen an.",
    "Attempt limit exceeded, please try after some time.":
        "Zu viele Versuche, bitte versuchen Sie es später erneut.",
    "Invalid session for the user, session is expired.": "Die Sitzung ist abgelaufen; melden Sie sich erneut an.",
    "An account with the given email already exists.": "Mit dieser E-Mail-Adresse existiert bereits ein Konto.",
    "username is empty": "Der Benutzername ist leer", "password is empty": "Das Passwort ist leer",
    "code is empty": "Der Code ist leer", "new_password is empty": "Das neue Passwort ist leer",
    "answer is empty": "Die Antwort ist leer",
    "code must be letters and digits only": "Der Code darf nur Buchstaben und Ziffern enthalten",
}

VOCABULARIES: dict[str, dict[str, str]] = {"en": {key: key for key in LABELS}, "fr": FR, "de": DE}
